import { useEffect, useState } from 'preact/hooks';
import { may } from '../../../../server/contracts/access';
import type { DepartmentView, SessionView } from '../../../../server/contracts/views';
import { api, query } from '../../shared/api';
import { ErrorMessage, Loading } from '../../shared/components';
import { useI18n } from '../../shared/i18n';
import { useLoad } from '../../shared/use-load';
import { AccountLog } from './AccountLog';
import { RosterCompose } from './RosterCompose';
import { EmergencyPanel } from './EmergencyPanel';
import type { RosterGroup, RosterPerson } from './types';

/**
 * The roster desk: the people of one's units with search and groups, a message to groups, kinds
 * or everyone (with guardians), the emergency message with its live progress and answers, and the
 * log of welcome and reset messages (passwords masked by the server).
 */
export function RosterPage({ session, departments }: { session: SessionView; departments: DepartmentView[] }) {
  const { t } = useI18n();
  const mine = may(session.user.role, 'actInEveryDepartment') ? departments : departments.filter((d) => session.user.departments.includes(d.id));
  const [unit, setUnit] = useState('');
  const [q, setQ] = useState('');
  const [group, setGroup] = useState('');
  useEffect(() => {
    if (!unit && mine.length) setUnit(mine[0].code);
    // The first unit once the departments have loaded; a unit picked since stays.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mine.length]);
  const groups = useLoad(() => (unit ? api<{ items: RosterGroup[] }>('GET', `/api/roster/groups${query({ unit })}`) : Promise.resolve({ items: [] })), [unit]);
  const people = useLoad(
    () => (unit ? api<{ items: RosterPerson[] }>('GET', `/api/roster/people${query({ unit, q, group, limit: 200 })}`) : Promise.resolve({ items: [] })),
    [unit, q, group],
  );
  const groupNames = (groups.data?.items ?? []).map((g) => g.name);

  return (
    <section class="roster-view" aria-labelledby="roster-title">
      <h1 id="roster-title">{t('rosterTitle')}</h1>
      <div class="roster-filters">
        <label>
          {t('rosterUnit')}
          <select value={unit} onChange={(e) => (setUnit((e.target as HTMLSelectElement).value), setGroup(''))}>
            {mine.map((d) => (
              <option value={d.code} key={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('rosterSearch')}
          <input type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} maxLength={100} />
        </label>
        <label>
          {t('rosterGroup')}
          <select value={group} onChange={(e) => setGroup((e.target as HTMLSelectElement).value)}>
            <option value="">{t('rosterAllGroups')}</option>
            {(groups.data?.items ?? []).map((g) => (
              <option value={g.name} key={g.name}>
                {g.name} ({g.people})
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="alerts-columns">
        <div>
          <h2>{t('rosterPeople')}</h2>
          {people.error ? <ErrorMessage error={people.error} onRetry={people.reload} /> : null}
          {people.loading && !people.data ? <Loading /> : null}
          {people.data && !people.data.items.length ? <p>{t('rosterNone')}</p> : null}
          {people.data?.items.length ? (
            <table class="roster-people">
              <thead>
                <tr>
                  <th>{t('rosterName')}</th>
                  <th>{t('rosterPhone')}</th>
                  <th>{t('rosterKind')}</th>
                  <th>{t('rosterGroups')}</th>
                  <th>{t('rosterGuardians')}</th>
                </tr>
              </thead>
              <tbody>
                {people.data.items.map((p) => (
                  <tr key={p.externalId} data-external-id={p.externalId}>
                    <td>
                      {p.name} {p.ended ? <small>({t('rosterEnded')})</small> : null}
                    </td>
                    <td>{p.phone}</td>
                    <td>{t(p.kind === 'staff' ? 'rosterKind_staff' : 'rosterKind_student')}</td>
                    <td>{p.groups.join(', ')}</td>
                    <td>{p.guardians.map((g) => g.name).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
        <div>
          {unit ? <RosterCompose unit={unit} groups={groupNames} key={`c-${unit}`} /> : null}
          {unit ? <EmergencyPanel unit={unit} key={`e-${unit}`} /> : null}
        </div>
      </div>
      <AccountLog />
    </section>
  );
}
