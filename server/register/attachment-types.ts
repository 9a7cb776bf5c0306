import { filetypeinfo } from 'magic-bytes.js';
import { storedEntryContent, zipEntries } from './zip-entries';

/**
 * Which files the register takes from citizens, by e-mail and web form alike: a file is stored
 * only when its name's extension is on the allow-list *and* its content is what that extension
 * says. The content is recognised by its leading bytes (magic-bytes.js); ZIP-based office
 * documents by the parts inside the container; text by having no binary bytes at all.
 *
 * magic-bytes.js rather than `file-type`: file-type is ESM-only and jest here runs CommonJS
 * through esbuild, whose resolver cannot load it (`Cannot find module 'file-type'`); making it
 * load would mean transpiling its whole ESM dependency tree in the jest config. magic-bytes.js is
 * CommonJS with no dependencies, and the office-document check it cannot do is done below.
 */

export const ATTACHMENT_TYPES = {
  pdf: { extensions: ['pdf'], mime: 'application/pdf' },
  jpeg: { extensions: ['jpg', 'jpeg'], mime: 'image/jpeg' },
  png: { extensions: ['png'], mime: 'image/png' },
  gif: { extensions: ['gif'], mime: 'image/gif' },
  webp: { extensions: ['webp'], mime: 'image/webp' },
  heic: { extensions: ['heic', 'heif'], mime: 'image/heic' },
  txt: { extensions: ['txt'], mime: 'text/plain' },
  csv: { extensions: ['csv'], mime: 'text/csv' },
  docx: { extensions: ['docx'], mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { extensions: ['xlsx'], mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pptx: { extensions: ['pptx'], mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  odt: { extensions: ['odt'], mime: 'application/vnd.oasis.opendocument.text' },
  ods: { extensions: ['ods'], mime: 'application/vnd.oasis.opendocument.spreadsheet' },
  // Not taken unless an admin adds them (attachment-policy.ts).
  odp: { extensions: ['odp'], mime: 'application/vnd.oasis.opendocument.presentation' },
  tiff: { extensions: ['tif', 'tiff'], mime: 'image/tiff' },
  bmp: { extensions: ['bmp'], mime: 'image/bmp' },
  rtf: { extensions: ['rtf'], mime: 'application/rtf' },
  mp3: { extensions: ['mp3'], mime: 'audio/mpeg' },
  mp4: { extensions: ['mp4'], mime: 'video/mp4' },
  zip: { extensions: ['zip'], mime: 'application/zip' },
} as const;
export type AttachmentType = keyof typeof ATTACHMENT_TYPES;
export const ATTACHMENT_TYPE_NAMES = Object.keys(ATTACHMENT_TYPES) as AttachmentType[];
export const DEFAULT_ATTACHMENT_TYPES: readonly AttachmentType[] = [
  'pdf',
  'jpeg',
  'png',
  'gif',
  'webp',
  'heic',
  'txt',
  'csv',
  'docx',
  'xlsx',
  'pptx',
  'odt',
  'ods',
];

/** Extensions that run when opened; refused whatever else the name says (`report.pdf.exe`). */
const EXECUTABLE = new Set(
  'exe com bat cmd scr pif msi msp mst vbs vbe js jse mjs wsf wsh ws ps1 psm1 psd1 jar hta cpl lnk reg dll sys inf app sh bash command scf url iso img vhd docm xlsm pptm'.split(
    ' ',
  ),
);

const BY_EXTENSION = new Map<string, AttachmentType>(
  ATTACHMENT_TYPE_NAMES.flatMap((type) => ATTACHMENT_TYPES[type].extensions.map((ext) => [ext, type] as const)),
);

/** magic-bytes.js's names for the kinds we know; the first match wins. */
const MAGIC: Record<string, AttachmentType> = {
  pdf: 'pdf',
  jpg: 'jpeg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  heif: 'heic',
  heic: 'heic',
  tif: 'tiff',
  tiff: 'tiff',
  bmp: 'bmp',
  rtf: 'rtf',
  mp3: 'mp3',
  mp4: 'mp4',
};
const ZIP_FAMILY = new Set(['zip', 'jar', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'vsdx', 'apk', 'aar', 'epub']);
const PROGRAMS = new Set(['exe', 'elf', 'mach-o', 'dll', 'class', 'dex']);

/** What the content is: one of our types, `text`, or a description of what it is not. */
export type Detected = { type: AttachmentType | 'text' } | { type: null; what: string };

/** A UTF-16 text (Excel's "Unicode text" export) has NUL bytes but announces itself by a byte-order mark. */
export const startsUtf16 = (buf: Buffer) => buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));

/** No byte of `buf` is a control character other than tab, line feed, form feed, carriage return. */
export function plainTextBytes(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return false;
  }
  return true;
}

function looksLikeText(buf: Buffer): boolean {
  return startsUtf16(buf) ? buf.length % 2 === 0 : plainTextBytes(buf);
}

/**
 * An office document is a ZIP whose parts say which: OOXML by its folders, ODF by its `mimetype`
 * entry. `end` holds the file's last bytes from offset `endAt` (the central directory), `start`
 * its first ones (where ODF's `mimetype` entry is); for a file in memory both are the whole file.
 */
export function zipKind(start: Buffer, end: Buffer = start, endAt = 0): Detected {
  const buf = start;
  const entries = zipEntries(end, 2000, endAt);
  if (!entries) return { type: null, what: 'a damaged ZIP archive' };
  const names = new Set(entries.map((e) => e.name));
  if (entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name))) return { type: null, what: 'an office document with macros' };
  if (names.has('[Content_Types].xml')) {
    if (names.has('word/document.xml')) return { type: 'docx' };
    if (names.has('xl/workbook.xml')) return { type: 'xlsx' };
    if (names.has('ppt/presentation.xml')) return { type: 'pptx' };
  }
  const mimetype = entries.find((e) => e.name === 'mimetype');
  const declared = mimetype ? storedEntryContent(buf, mimetype)?.toString('latin1') : undefined;
  if (declared === ATTACHMENT_TYPES.odt.mime) return { type: 'odt' };
  if (declared === ATTACHMENT_TYPES.ods.mime) return { type: 'ods' };
  if (declared === ATTACHMENT_TYPES.odp.mime) return { type: 'odp' };
  return { type: 'zip' };
}

/**
 * What a file's first bytes tell: its kind, that it is a ZIP to look into, or that it is text if
 * every byte of it is (decided by the caller over the whole content), else `otherwise`.
 */
export type HeadVerdict = { kind: 'known'; detected: Detected } | { kind: 'zip' } | { kind: 'text?'; otherwise: Detected };

export function judgeHead(head: Buffer): HeadVerdict {
  const infos = filetypeinfo(new Uint8Array(head.buffer, head.byteOffset, Math.min(head.length, 4096)));
  const found = infos.map((m) => m.typename.toLowerCase());
  if (found.some((n) => ZIP_FAMILY.has(n))) return { kind: 'zip' };
  for (const name of found) if (MAGIC[name]) return { kind: 'known', detected: { type: MAGIC[name] } };
  if (found.some((n) => PROGRAMS.has(n))) return { kind: 'known', detected: { type: null, what: 'an executable program' } };
  // Short signatures without a MIME type (old Mac formats) match too much to be worth naming.
  const named = infos.find((m) => m.mime);
  return { kind: 'text?', otherwise: { type: null, what: named ? `${named.typename} data (${named.mime})` : 'unrecognised binary data' } };
}

export function detectContent(buf: Buffer): Detected {
  const head = judgeHead(buf);
  if (head.kind === 'zip') return zipKind(buf);
  if (head.kind === 'known') return head.detected;
  return looksLikeText(buf) ? { type: 'text' } : head.otherwise;
}

/**
 * The name as we keep and judge it: no folders, no control characters, and no trailing dots or
 * spaces (Windows drops them, so `report.pdf. ` opens as `report.pdf`).
 */
export function cleanFilename(raw: string): string {
  const bounded = raw.slice(0, 1000);
  const base = bounded.slice(Math.max(bounded.lastIndexOf('/'), bounded.lastIndexOf('\\')) + 1);
  // eslint-disable-next-line no-control-regex
  const visible = base.replace(/[\u0000-\u001f\u007f]/g, '');
  let end = visible.length;
  while (end > 0 && (visible[end - 1] === '.' || visible[end - 1] === ' ')) end--;
  const name = visible.slice(0, end).slice(0, 255);
  return name || 'file';
}

export type AttachmentVerdict =
  { ok: true; filename: string; type: AttachmentType; contentType: string } | { ok: false; filename: string; reason: string; contentType: string };

/** Whether a file may be stored, by name and by content, against the types allowed. */
export function checkAttachment(file: { filename: string; content: Buffer }, allowed: ReadonlySet<AttachmentType>): AttachmentVerdict {
  const byName = checkName(file.filename, allowed);
  return byName.ok ? checkDetected(byName, detectContent(file.content)) : byName;
}

/** The name's part of the check, which needs no content: refused, or the type the name claims. */
export function checkName(
  raw: string,
  allowed: ReadonlySet<AttachmentType>,
): { ok: true; filename: string; extension: string; type: AttachmentType } | Extract<AttachmentVerdict, { ok: false }> {
  const filename = cleanFilename(raw);
  const refuse = (reason: string) => ({ ok: false as const, filename, reason, contentType: 'application/octet-stream' });
  const parts = filename.toLowerCase().split('.');
  const extension = parts.length > 1 ? parts[parts.length - 1] : '';
  if (EXECUTABLE.has(extension)) {
    return refuse(
      parts.length > 2 ? `a double extension ending in an executable type (.${parts.slice(-2).join('.')})` : `an executable file type (.${extension})`,
    );
  }
  if (!extension) return refuse('the name has no file type extension');
  const type = BY_EXTENSION.get(extension);
  if (!type || !allowed.has(type)) return refuse(`the file type .${extension} is not accepted`);
  return { ok: true, filename, extension, type };
}

/** The content's part: what was detected must be what the name says. */
export function checkDetected(name: { filename: string; extension: string; type: AttachmentType }, detected: Detected): AttachmentVerdict {
  const { filename, extension, type } = name;
  const refuse = (reason: string): AttachmentVerdict => ({ ok: false, filename, reason, contentType: 'application/octet-stream' });
  const matches =
    detected.type === type ||
    (detected.type === 'text' && (type === 'txt' || type === 'csv')) ||
    // Any ZIP-based file is a ZIP; a .zip is taken as one when ZIP is allowed.
    (type === 'zip' && detected.type !== null && detected.type !== 'text' && ATTACHMENT_TYPES[detected.type].extensions.some((e) => ZIP_FAMILY.has(e)));
  if (!matches) {
    const what = detected.type === null ? detected.what : detected.type === 'text' ? 'plain text' : `a ${detected.type.toUpperCase()} file`;
    return refuse(`the content is ${what}, not the .${extension} its name says`);
  }
  return { ok: true, filename, type, contentType: ATTACHMENT_TYPES[type].mime };
}
