import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, setToken, setUnauthorizedHandler } from '../shared/api';
import { I18n, localeOf, translator, type Locale } from '../shared/i18n';
import type { MeView, SessionView } from '../../../server/contracts/views';
import { Enrol } from '../features/auth/Enrol';
import { Login } from '../features/auth/Login';
import { Shell } from './Shell';
import { Loading } from '../shared/components';

// sessionStorage: a reload keeps the tab logged in, closing the tab (or the browser) ends it.
const TOKEN_KEY = 'servicetorg.token';
const localeKey = (userId?: number) => (userId ? `servicetorg.locale.${userId}` : 'servicetorg.locale');

function storedLocale(userId?: number): Locale | null {
  const v = localStorage.getItem(localeKey(userId));
  return v === 'nb' || v === 'en' ? v : null;
}

export function App() {
  const [session, setSession] = useState<SessionView | null>(null);
  const [booting, setBooting] = useState(true);
  const [chosen, setChosen] = useState<Locale | null>(() => storedLocale());

  const locale: Locale = session
    ? (storedLocale(session.user.id) ?? chosen ?? localeOf(session.user.locale))
    : (chosen ?? (navigator.language.startsWith('en') ? 'en' : 'nb'));
  const i18n = useMemo(() => ({ locale, t: translator(locale) }), [locale]);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const logOutLocally = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setSession(null);
  };

  useEffect(() => {
    setUnauthorizedHandler(logOutLocally);
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return setBooting(false);
    setToken(token);
    api<MeView>('GET', '/api/auth/me')
      .then((me) => setSession({ token, user: me.user, scope: me.scope }))
      .catch(logOutLocally)
      .finally(() => setBooting(false));
  }, []);

  const onLoggedIn = (s: SessionView) => {
    sessionStorage.setItem(TOKEN_KEY, s.token);
    setToken(s.token);
    setChosen(null);
    setSession(s);
  };

  const setLocale = (l: Locale) => {
    localStorage.setItem(localeKey(session?.user.id), l);
    setChosen(l);
  };

  const logOut = async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    logOutLocally();
  };

  let page;
  if (booting) page = <Loading />;
  else if (!session) page = <Login onLoggedIn={onLoggedIn} setLocale={setLocale} />;
  else if (session.scope === 'enrol')
    page = <Enrol session={session} onEnrolled={(user) => setSession({ ...session, user, scope: 'full' })} onLogOut={logOut} />;
  else page = <Shell session={session} setLocale={setLocale} onLogOut={logOut} />;

  return <I18n.Provider value={i18n}>{page}</I18n.Provider>;
}
