import { useI18n } from '../../shared/i18n';
import { ApiKeysAdmin } from './ApiKeysAdmin';
import { ApprovalQueue } from './ApprovalQueue';
import { DeadLetters } from './DeadLetters';
import { DepartmentsAdmin } from './DepartmentsAdmin';
import { UsersAdmin } from './UsersAdmin';

/** The administrator's screens: staff accounts, the case system's API keys, departments, sends held for approval, the journal's dead letters. */
export function AdminPage() {
  const { t } = useI18n();
  return (
    <section class="admin" aria-labelledby="admin-title">
      <h1 id="admin-title">{t('navAdmin')}</h1>
      <UsersAdmin />
      <ApiKeysAdmin />
      <DepartmentsAdmin />
      <ApprovalQueue />
      <DeadLetters />
    </section>
  );
}
