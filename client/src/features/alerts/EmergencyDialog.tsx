import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../../shared/i18n';

/**
 * Confirms an emergency, which reaches everyone in the area whatever their categories and at any
 * hour. A modal <dialog>: it holds focus, Escape cancels, and focus returns to the checkbox.
 */
export function EmergencyDialog({ open, onAnswer }: { open: boolean; onAnswer: (yes: boolean) => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="emergency-title" aria-describedby="emergency-text" onCancel={() => onAnswer(false)}>
      <h2 id="emergency-title">{t('alertsEmergencyConfirmTitle')}</h2>
      <p id="emergency-text">{t('alertsEmergencyConfirm')}</p>
      <div class="actions">
        <button type="button" class="primary danger" onClick={() => onAnswer(true)}>
          {t('alertsEmergencyYes')}
        </button>
        <button type="button" onClick={() => onAnswer(false)} autoFocus>
          {t('cancel')}
        </button>
      </div>
    </dialog>
  );
}
