import { useEffect, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import type { SmsPreviewView } from '../../../../server/contracts/views';
import type { SubscribersAudience } from './request';

/** Typing pauses this long before the count is asked again; a newer question aborts the older one. */
const DEBOUNCE_MS = 300;

export type PreviewState =
  { state: 'idle' } | { state: 'counting'; last: SmsPreviewView | null } | { state: 'ready'; data: SmsPreviewView } | { state: 'error'; error: unknown };

/** The live recipient count, segments and estimated cost of what is being composed. */
export function usePreview(body: string, audience: SubscribersAudience | null, emergency: boolean): PreviewState {
  const [s, setS] = useState<PreviewState>({ state: 'idle' });
  const key = JSON.stringify([body, audience, emergency]);
  useEffect(() => {
    if (!audience) {
      setS({ state: 'idle' });
      return;
    }
    // The previous figures stay on screen while counting, so the panel keeps its size (no jank).
    setS((old) => ({ state: 'counting', last: old.state === 'ready' ? old.data : old.state === 'counting' ? old.last : null }));
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      // The count does not depend on the text, and the officer wants it before writing: an empty
      // text is asked about as one space (the server wants a body), and its segments are not shown.
      api<SmsPreviewView>('POST', '/api/sms/preview', { body: body || ' ', audience, ...(emergency ? { emergency: true } : {}) }, { signal: ctrl.signal }).then(
        (data) => !ctrl.signal.aborted && setS({ state: 'ready', data }),
        (error) => !ctrl.signal.aborted && setS({ state: 'error', error }),
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
    // `key` stands for the three inputs by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return s;
}
