/** Plain-text start of a message for lists and pushes; MISSION.md asks for at least 80 characters. */
export function toSummary(body: string | null | undefined, subject?: string | null, max = 200): string {
  const plain = (body ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const text = plain || (subject ?? '').replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
