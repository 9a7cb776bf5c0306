import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import type { AlertCategoryView, AlertPlaceView } from '../../../../server/contracts/views';
import { PlaceSearch, type Found } from './PlaceSearch';
import type { AudienceChoice, Place } from './request';

const localities = (q: string, signal: AbortSignal) =>
  api<{ items: AlertPlaceView[] }>('GET', `/public/alerts/localities${query({ q, limit: 10 })}`, undefined, { signal }).then((r) => r.items);
const streets = (locality: string) => (q: string, signal: AbortSignal) =>
  api<{ items: AlertPlaceView[] }>('GET', `/public/alerts/streets${query({ locality, q, limit: 10 })}`, undefined, { signal }).then((r) => r.items);

/**
 * Who an alert reaches: every subscriber, or the union of chosen localities and streets; then,
 * unless it is an emergency, only those who chose one of the ticked categories.
 */
export function AudiencePicker({ value, onChange, emergency }: { value: AudienceChoice; onChange: (a: AudienceChoice) => void; emergency: boolean }) {
  const { t } = useI18n();
  const [categories, setCategories] = useState<AlertCategoryView[]>([]);
  // The locality whose streets the street search looks in; choosing it here does not add it to the audience.
  const [streetsIn, setStreetsIn] = useState<Found | null>(null);

  useEffect(() => {
    api<{ items: AlertCategoryView[] }>('GET', '/public/alerts/categories').then(
      (r) => setCategories(r.items),
      () => setCategories([]),
    );
  }, []);

  const set = (patch: Partial<AudienceChoice>) => onChange({ ...value, ...patch });
  const remove = (key: 'localities' | 'streets', id: string) => set({ [key]: value[key].filter((p) => p.id !== id) });

  return (
    <fieldset class="audience">
      <legend>{t('alertsAudience')}</legend>
      <div class="choice-row">
        <label>
          <input type="radio" name="audience-kind" checked={value.all} onChange={() => set({ all: true })} /> {t('alertsAllSubscribers')}
        </label>
        <label>
          <input type="radio" name="audience-kind" checked={!value.all} onChange={() => set({ all: false })} /> {t('alertsChosenPlaces')}
        </label>
      </div>
      {!value.all && (
        <div class="places">
          <PlaceSearch
            label={t('alertsLocalitySearch')}
            name="locality"
            search={localities}
            chosen={value.localities.map((p) => p.id)}
            onPick={(p) => set({ localities: [...value.localities, { id: p.id, name: p.name }] })}
          />
          <Chips label={t('alertsChosenLocalities')} items={value.localities} onRemove={(id) => remove('localities', id)} />
          <div class="street-search">
            <PlaceSearch label={t('alertsStreetsIn')} name="street-locality" search={localities} chosen={[]} onPick={setStreetsIn} />
            {streetsIn && (
              <PlaceSearch
                key={streetsIn.id}
                label={t('alertsStreetSearch', { locality: streetsIn.name })}
                name="street"
                search={streets(streetsIn.id)}
                chosen={value.streets.map((p) => p.id)}
                onPick={(p) => set({ streets: [...value.streets, { id: p.id, name: `${p.name}, ${streetsIn.name}` }] })}
              />
            )}
          </div>
          <Chips label={t('alertsChosenStreets')} items={value.streets} onRemove={(id) => remove('streets', id)} />
        </div>
      )}
      {categories.length > 0 && (
        <fieldset class="categories" disabled={emergency}>
          <legend>{t('alertsCategories')}</legend>
          <p class="hint">{emergency ? t('alertsCategoriesEmergency') : t('alertsCategoriesHint')}</p>
          {categories.map((c) => (
            <label key={c.code}>
              <input
                type="checkbox"
                name="category"
                value={c.code}
                checked={value.categories.includes(c.code)}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  set({ categories: on ? [...value.categories, c.code] : value.categories.filter((x) => x !== c.code) });
                }}
              />{' '}
              {c.name}
            </label>
          ))}
        </fieldset>
      )}
    </fieldset>
  );
}

function Chips({ label, items, onRemove }: { label: string; items: Place[]; onRemove: (id: string) => void }) {
  const { t } = useI18n();
  if (items.length === 0) return null;
  return (
    <ul class="chips" aria-label={label}>
      {items.map((p) => (
        <li key={p.id} data-place-id={p.id}>
          {p.name}
          <button type="button" class="link" aria-label={t('alertsRemovePlace', { name: p.name })} onClick={() => onRemove(p.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
