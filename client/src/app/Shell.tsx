import { useEffect, useState } from 'preact/hooks';
import { ACCESS, may } from '../../../server/contracts/access';
import { api } from '../shared/api';
import { useI18n, type Locale } from '../shared/i18n';
import { href, navigate, parseRoute, useHash } from '../shared/router';
import { SearchBox } from '../features/search/SearchBox';
import { AdminPage } from '../features/admin/AdminPage';
import { SearchPage } from '../features/search/SearchPage';
import { connectAgents, LiveSocket, type AgentSocket } from '../shared/socket';
import type { DepartmentView, SessionView } from '../../../server/contracts/views';
import { CallsPanel } from '../features/calls/CallsPanel';
import { CasePage } from '../features/register/CasePage';
import { ContactPage } from '../features/register/ContactPage';
import { DeliveryStatus } from '../features/delivery-status/DeliveryStatus';
import { AlertsPage } from '../features/alerts/AlertsPage';
import { SendReport } from '../features/alerts/SendReport';
import { SmsReports, SmsSendReport } from '../features/sms-reports/SmsReports';
import { Inbox } from '../features/inbox/Inbox';
import { InquiryPage } from '../features/inquiry/InquiryPage';
import { LocaleSwitch } from '../shared/LocaleSwitch';
import { BackupPanel } from '../features/backups/BackupPanel';
import { AuditTrail } from '../features/records/AuditTrail';
import { auditTexts } from '../features/records/texts';
import { RosterPage } from '../features/roster/RosterPage';

const REGISTER_ROLES = ACCESS.readRegister;
const CALL_ROLES = ACCESS.takeCalls;
const STATUS_ROLES = ACCESS.sendAlerts;
const RECORDS_ROLES = ACCESS.keepRecords;
const ROSTER_ROLES = ACCESS.sendSms;

/** The logged-in console: header, the current view, and (for those who take calls) the calls panel. */
export function Shell({ session, setLocale, onLogOut }: { session: SessionView; setLocale: (l: Locale) => void; onLogOut: () => void }) {
  const { t, locale } = useI18n();
  const { role } = session.user;
  const hash = useHash();
  const [socket, setSocket] = useState<AgentSocket | null>(null);
  const [connected, setConnected] = useState(false);
  const [departments, setDepartments] = useState<DepartmentView[]>([]);

  const seesRegister = REGISTER_ROLES.includes(role);
  const seesStatus = STATUS_ROLES.includes(role);
  const administers = may(role, 'administer');
  const takesCalls = CALL_ROLES.includes(role);
  const keepsRecords = RECORDS_ROLES.includes(role);
  const seesRoster = ROSTER_ROLES.includes(role);

  useEffect(() => {
    if (!seesRegister) return;
    const s = connectAgents(session.token);
    s.on('connect', () => setConnected(true));
    // socket.io does not retry a refused handshake nor a disconnect the server made. Asking /me
    // logs out an expired or revoked token (via the API's 401 handler); if the token is still good
    // the server was restarting or unavailable, so connect again shortly.
    const recover = () =>
      api('GET', '/api/auth/me').then(
        () => setTimeout(() => s.connect(), 3000),
        () => undefined,
      );
    s.on('disconnect', (reason) => {
      setConnected(false);
      if (reason === 'io server disconnect') void recover();
    });
    s.on('connect_error', () => {
      if (!s.active) void recover();
    });
    setSocket(s);
    return () => {
      s.close();
      setSocket(null);
    };
  }, [session.token, seesRegister]);

  useEffect(() => {
    api<{ items: DepartmentView[] }>('GET', '/api/departments').then(
      (r) => setDepartments(r.items),
      () => setDepartments([]),
    );
  }, []);

  const route = parseRoute(hash) ?? (seesRegister ? { name: 'inbox' as const } : { name: 'status' as const });
  useEffect(() => {
    if (!parseRoute(hash)) navigate(seesRegister ? href.inbox() : href.status());
  }, [hash, seesRegister]);

  const myDepartments = may(role, 'seeEveryDepartment') ? departments : departments.filter((d) => session.user.departments.includes(d.id));

  let view;
  if (route.name === 'status') view = seesStatus ? <DeliveryStatus messageId={route.messageId} /> : null;
  else if (route.name === 'alerts') {
    const sendId = route.sendId;
    // The alert desk shows the server's reports (their own feature), placed here so neither feature imports the other.
    view = !seesStatus ? null : sendId ? (
      <SendReport id={sendId} key={sendId} report={(state) => <SmsSendReport sendId={sendId} key={state} />} />
    ) : (
      <AlertsPage reports={<SmsReports />} />
    );
  } else if (route.name === 'admin') view = administers ? <AdminPage /> : null;
  else if (route.name === 'audit') view = keepsRecords ? <AuditTrail /> : null;
  else if (route.name === 'roster') view = seesRoster ? <RosterPage session={session} departments={departments} /> : null;
  else if (!seesRegister) view = null;
  else if (route.name === 'inquiry') view = <InquiryPage id={route.id} session={session} key={route.id} />;
  else if (route.name === 'contact') view = <ContactPage id={route.id} key={route.id} />;
  else if (route.name === 'case') view = <CasePage caseNumber={route.caseNumber} key={route.caseNumber} />;
  else if (route.name === 'search') view = <SearchPage q={route.q} key={route.q} />;
  else view = <Inbox session={session} departments={myDepartments} />;

  return (
    <LiveSocket.Provider value={socket}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t('skipToContent')}
      </a>
      <header class="topbar">
        <span class="brand">{t('appName')}</span>
        <nav aria-label={t('navMain')}>
          {seesRegister && (
            <a href={href.inbox()} aria-current={route.name === 'inbox' ? 'page' : undefined}>
              {t('navInbox')}
            </a>
          )}
          {seesStatus && (
            <a href={href.status()} aria-current={route.name === 'status' ? 'page' : undefined}>
              {t('navStatus')}
            </a>
          )}
          {seesStatus && (
            <a href={href.alerts()} aria-current={route.name === 'alerts' ? 'page' : undefined}>
              {t('navAlerts')}
            </a>
          )}
          {administers && (
            <a href={href.admin()} aria-current={route.name === 'admin' ? 'page' : undefined}>
              {t('navAdmin')}
            </a>
          )}
          {keepsRecords && (
            <a href={href.audit()} aria-current={route.name === 'audit' ? 'page' : undefined}>
              {auditTexts(locale).title}
            </a>
          )}
          {seesRoster && (
            <a href={href.roster()} aria-current={route.name === 'roster' ? 'page' : undefined}>
              {t('navRoster')}
            </a>
          )}
        </nav>
        {seesRegister && <SearchBox current={route.name === 'search' ? route.q : ''} />}
        <span class="spacer" />
        {seesRegister && (
          <span class={`live ${connected ? 'on' : 'off'}`} role="status">
            {connected ? t('liveConnected') : t('liveDisconnected')}
          </span>
        )}
        <span class="who" title={session.user.email}>
          {session.user.name}
        </span>
        <LocaleSwitch setLocale={setLocale} />
        <button type="button" class="link" onClick={onLogOut}>
          {t('logOut')}
        </button>
      </header>
      <div class={`layout${takesCalls ? ' with-calls' : ''}`}>
        <main id="main" tabIndex={-1}>
          {role === 'admin' && <BackupPanel />}
          {view}
        </main>
        {takesCalls && <CallsPanel departments={departments} />}
      </div>
    </LiveSocket.Provider>
  );
}
