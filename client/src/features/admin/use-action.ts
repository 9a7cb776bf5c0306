import { useState } from 'preact/hooks';

/**
 * An admin action on a listed item (approve, retry, revoke): runs it, then `after` (the list's
 * reload); a refusal is kept for the view to show (ErrorMessage) above the list.
 */
export function useAction(after: () => void): { error: unknown; run: (what: () => Promise<unknown>) => Promise<void> } {
  const [error, setError] = useState<unknown>(null);
  const run = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      after();
    } catch (e) {
      setError(e);
    }
  };
  return { error, run };
}
