import { useContext, useEffect, useState } from 'preact/hooks';
import type { CallIncoming, ScreenPop as Pop } from '../../../../server/contracts/socket-events';
import { useI18n } from '../../shared/i18n';
import { emitWithAck, LiveSocket, useSocketEvent, type AgentStatus } from '../../shared/socket';
import type { DepartmentView } from '../../../../server/contracts/views';
import { ScreenPop } from './ScreenPop';

const STATUSES: AgentStatus[] = ['available', 'busy', 'away'];
const PRESENCE_KEY = 'servicetorg.presence';

interface Ringing extends CallIncoming {
  accepting?: boolean;
  takenBy?: string;
  error?: string;
}

/** Presence, calls ringing for my departments, and the screen pops of calls I took or got transferred. */
export function CallsPanel({ departments }: { departments: DepartmentView[] }) {
  const { t } = useI18n();
  const socket = useContext(LiveSocket);
  const [status, setStatus] = useState<AgentStatus>(() => (sessionStorage.getItem(PRESENCE_KEY) as AgentStatus | null) ?? 'away');
  const [statusError, setStatusError] = useState<string | null>(null);
  const [calls, setCalls] = useState<Ringing[]>([]);
  const [pops, setPops] = useState<Pop[]>([]);

  // The server forgets presence with the connection, so it is sent again on every (re)connect.
  useEffect(() => {
    if (!socket) return;
    const send = () => void emitWithAck(socket, 'agent:status', { status }).then((a) => setStatusError(a.ok ? null : a.reason));
    if (socket.connected) send();
    socket.on('connect', send);
    return () => {
      socket.off('connect', send);
    };
  }, [socket, status]);

  const choose = (s: AgentStatus) => {
    sessionStorage.setItem(PRESENCE_KEY, s);
    setStatus(s);
  };

  useSocketEvent('call:incoming', (c) => setCalls((old) => [...old.filter((x) => x.callSid !== c.callSid), c]));
  useSocketEvent('call:taken', ({ callSid, by }) => {
    setCalls((old) => old.map((x) => (x.callSid === callSid ? { ...x, takenBy: by.name ?? `#${by.id}` } : x)));
    // The note stays a moment so the agent sees why the call stopped ringing.
    setTimeout(() => setCalls((old) => old.filter((x) => x.callSid !== callSid)), 4000);
  });
  // The provider could not put the call through to this agent: the pop goes, and a note says why;
  // the call rings again (call:incoming) for whoever is available.
  useSocketEvent('call:lost', ({ callSid }) => {
    setPops((old) => old.filter((x) => x.callSid !== callSid));
    setStatusError(t('callLost'));
  });
  useSocketEvent('screen-pop', (p) => {
    setCalls((old) => old.filter((x) => x.callSid !== p.callSid));
    setPops((old) => [p, ...old.filter((x) => x.callSid !== p.callSid || x.transfer !== p.transfer)]);
  });

  const ringing = calls.some((c) => !c.takenBy);
  useEffect(() => {
    const base = document.title.replace(/^☎ /, '');
    document.title = ringing ? `☎ ${base}` : base;
  }, [ringing]);

  const accept = async (c: Ringing) => {
    if (!socket) return;
    setCalls((old) => old.map((x) => (x.callSid === c.callSid ? { ...x, accepting: true, error: undefined } : x)));
    const answer = await emitWithAck(socket, 'call:accept', { callSid: c.callSid });
    setCalls((old) =>
      answer.ok
        ? old.filter((x) => x.callSid !== c.callSid)
        : old.map((x) => (x.callSid === c.callSid ? { ...x, accepting: false, error: t('acceptFailed', { reason: answer.reason }) } : x)),
    );
  };

  return (
    <aside class="calls" aria-labelledby="calls-title">
      <h2 id="calls-title">{t('callsTitle')}</h2>
      <fieldset class="presence">
        <legend>{t('presence')}</legend>
        {STATUSES.map((s) => (
          <label key={s} class={`presence-${s}`}>
            <input type="radio" name="presence" value={s} checked={status === s} onChange={() => choose(s)} />
            {t(`pr_${s}`)}
          </label>
        ))}
      </fieldset>
      {statusError && (
        <p class="error" role="alert">
          {statusError}
        </p>
      )}
      <div aria-live="assertive">
        {calls.length === 0 && pops.length === 0 && <p class="muted">{t('noCalls')}</p>}
        {calls.map((c) => (
          <div class={`call${c.takenBy ? ' taken' : ' ringing'}`} key={c.callSid} data-call-sid={c.callSid}>
            <strong>{t('incomingCall')}</strong>
            <span>{c.contact?.name ?? c.from}</span>
            {c.contact?.name && <span class="muted">{t('callFrom', { from: c.from })}</span>}
            <span class="muted">{t('callDepartment', { department: c.department })}</span>
            {c.takenBy ? (
              <span>{t('callTaken', { name: c.takenBy })}</span>
            ) : (
              <button type="button" class="primary" disabled={c.accepting} onClick={() => accept(c)}>
                {c.accepting ? t('accepting') : t('accept')}
              </button>
            )}
            {c.error && (
              <p class="error" role="alert">
                {c.error}
              </p>
            )}
          </div>
        ))}
      </div>
      {pops.map((p) => (
        <ScreenPop
          pop={p}
          departments={departments}
          key={`${p.callSid}-${p.transfer ? 't' : 'a'}`}
          onDismiss={() => setPops((old) => old.filter((x) => x !== p))}
        />
      ))}
    </aside>
  );
}
