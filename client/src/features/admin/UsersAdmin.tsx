import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { errorText, useI18n } from '../../shared/i18n';
import type { DepartmentView, StaffUserView } from '../../../../server/contracts/views';
import { ROLES } from '../../../../server/contracts/names';
import { NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';

/** Staff accounts: create, deactivate and reactivate, a temporary password, a fresh TOTP enrolment. */
export function UsersAdmin() {
  const { t } = useI18n();
  const users = useLoad(() => api<StaffUserView[]>('GET', '/api/users'), []);
  const departments = useLoad(() => api<{ items: DepartmentView[] }>('GET', '/api/departments'), []);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setMessage(null);
    try {
      await what();
      setMessage({ ok: true, text: done });
      users.reload();
    } catch (e) {
      setMessage({ ok: false, text: errorText(t, e) });
    }
  };

  const create = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const body = {
      email: String(f.get('email')),
      name: String(f.get('name')),
      password: String(f.get('password')),
      role: String(f.get('role')),
      departments: f.getAll('departments').map(String),
    };
    void act(() => api('POST', '/api/users', body).then(() => form.reset()), t('adminUserCreated', { email: body.email }));
  };

  const deps = departments.data?.items ?? [];
  const codeOf = (id: number) => deps.find((d) => d.id === id)?.code ?? String(id);
  return (
    <section aria-labelledby="admin-users">
      <h2 id="admin-users">{t('adminUsers')}</h2>
      {message && (
        <p class={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {!users.data ? (
        <NotLoaded loaded={users} />
      ) : (
        <div class="table-wrap">
          <table class="admin-users">
            <thead>
              <tr>
                <th scope="col">{t('adminName')}</th>
                <th scope="col">{t('adminEmail')}</th>
                <th scope="col">{t('adminRole')}</th>
                <th scope="col">{t('adminDepartments')}</th>
                <th scope="col">TOTP</th>
                <th scope="col">{t('adminActions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id} data-user-id={u.id} class={u.active ? '' : 'inactive'}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>{u.role}</td>
                  <td>{u.departments.map(codeOf).join(', ')}</td>
                  <td>{u.totpEnabled ? t('yes') : t('no')}</td>
                  <td class="actions">
                    {u.active ? (
                      <button type="button" onClick={() => act(() => api('POST', `/api/users/${u.id}/deactivate`), t('adminDeactivated', { email: u.email }))}>
                        {t('adminDeactivate')}
                      </button>
                    ) : (
                      <button type="button" onClick={() => act(() => api('POST', `/api/users/${u.id}/reactivate`), t('adminReactivated', { email: u.email }))}>
                        {t('adminReactivate')}
                      </button>
                    )}
                    <button
                      type="button"
                      onClick={() => {
                        const temporaryPassword = window.prompt(t('adminTemporaryPassword'));
                        if (temporaryPassword)
                          void act(() => api('POST', `/api/users/${u.id}/password-reset`, { temporaryPassword }), t('adminPasswordReset', { email: u.email }));
                      }}
                    >
                      {t('adminResetPassword')}
                    </button>
                    {u.totpEnabled && (
                      <button type="button" onClick={() => act(() => api('POST', `/api/users/${u.id}/totp-reset`), t('adminTotpReset', { email: u.email }))}>
                        {t('adminResetTotp')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="admin-form" onSubmit={create} aria-labelledby="admin-new-user">
        <h3 id="admin-new-user">{t('adminNewUser')}</h3>
        <label>
          <span>{t('adminName')}</span>
          <input name="name" required maxLength={191} />
        </label>
        <label>
          <span>{t('adminEmail')}</span>
          <input name="email" type="email" required maxLength={191} autocomplete="off" />
        </label>
        <label>
          <span>{t('adminTemporaryPassword')}</span>
          <input name="password" type="password" required minLength={12} autocomplete="new-password" />
        </label>
        <label>
          <span>{t('adminRole')}</span>
          <select name="role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('adminDepartments')}</span>
          <select name="departments" multiple size={Math.min(6, Math.max(2, deps.length))}>
            {deps.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('adminCreateUser')}</button>
      </form>
    </section>
  );
}
