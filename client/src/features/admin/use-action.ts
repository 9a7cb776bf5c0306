import { useState } from 'preact/hooks';
import { errorText, useI18n } from '../../shared/i18n';

/**
 * An admin action on a listed item (approve, retry, revoke): runs it, then `after` (the list's
 * reload); a refusal becomes the sentence shown above the list.
 */
export function useAction(after: () => void): { error: string | null; run: (what: () => Promise<unknown>) => Promise<void> } {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const run = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      after();
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  return { error, run };
}
