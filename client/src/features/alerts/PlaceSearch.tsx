import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../shared/i18n';
import type { Place } from './request';

/** How long typing must pause before the register is asked; each keystroke cancels the previous question. */
const DEBOUNCE_MS = 200;

export interface Found extends Place {
  area?: string | null;
}

/**
 * Search as you type in the address register, as an ARIA combobox: arrows move through the
 * matches, Enter picks one, Escape closes the list. A slower earlier answer never replaces a newer
 * one, since the request it belongs to is aborted first.
 */
export function PlaceSearch(props: {
  label: string;
  name: string;
  search: (q: string, signal: AbortSignal) => Promise<Found[]>;
  onPick: (p: Found) => void;
  /** Places already chosen are shown as such and not offered again. */
  chosen: string[];
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Found[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [state, setState] = useState<'idle' | 'searching' | 'done' | 'error'>('idle');
  const inflight = useRef<AbortController | null>(null);

  useEffect(() => {
    inflight.current?.abort();
    const typed = q.trim();
    if (!typed) {
      setItems([]);
      setState('idle');
      return;
    }
    const ctrl = new AbortController();
    inflight.current = ctrl;
    const timer = setTimeout(() => {
      setState('searching');
      props.search(typed, ctrl.signal).then(
        (found) => {
          if (ctrl.signal.aborted) return;
          setItems(found.filter((f) => !props.chosen.includes(f.id)));
          setActive(-1);
          setOpen(true);
          setState('done');
        },
        () => {
          if (!ctrl.signal.aborted) setState('error');
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
    // The search function changes identity on each render of the parent; the text is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q, props.chosen.join(',')]);

  const pick = (p: Found) => {
    props.onPick(p);
    setQ('');
    setItems([]);
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' && items.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a + 1) % items.length);
    } else if (e.key === 'ArrowUp' && items.length) {
      e.preventDefault();
      setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
    } else if (e.key === 'Enter' && open && items.length) {
      // Enter in the search picks the highlighted match (or the only one) instead of submitting the form.
      e.preventDefault();
      const p = items[active >= 0 ? active : 0];
      if (p) pick(p);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOpen(false);
    }
  };

  const listId = `${id}-list`;
  const showList = open && q.trim() !== '' && state === 'done';
  return (
    <div class="place-search">
      <label for={`${id}-input`}>{props.label}</label>
      <input
        id={`${id}-input`}
        name={props.name}
        type="search"
        role="combobox"
        // Preact's types want `list` beside role=combobox; our list is the ARIA listbox below, not a <datalist>.
        list={undefined}
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && active >= 0 ? `${id}-opt-${active}` : undefined}
        value={q}
        disabled={props.disabled}
        onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onFocus={() => setOpen(items.length > 0)}
      />
      <ul id={listId} role="listbox" aria-label={props.label} class="suggestions" hidden={!showList}>
        {items.map((p, i) => (
          <li
            id={`${id}-opt-${i}`}
            key={p.id}
            role="option"
            aria-selected={i === active}
            class={i === active ? 'active' : undefined}
            // mousedown, not click: the input's blur would close the list first.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(p);
            }}
          >
            {p.name}
            {p.area ? <span class="muted"> · {p.area}</span> : null}
          </li>
        ))}
      </ul>
      {showList && items.length === 0 && <p class="hint">{t('alertsNoMatch')}</p>}
      {state === 'error' && <p class="hint">{t('alertsSearchFailed')}</p>}
    </div>
  );
}
