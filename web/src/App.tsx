/** The shell: skip link, header with the user's preferences, navigation by role, and the page. */
import { ReactNode, useEffect, useRef, useState } from 'react';
import { ReadModelNotice } from './components/read-model-notice';
import { LoadError } from './components/ui';
import { useI18n } from './i18n';
import { AdjustmentsPage } from './pages/Adjustments';
import { DecisionsPage } from './pages/Decisions';
import { HistoryPage } from './pages/History';
import { JournalPage } from './pages/Journal';
import { OverviewPage } from './pages/Overview';
import { ProgressPage } from './pages/Progress';
import { ReconciliationPage } from './pages/Reconciliation';
import { RedFlagsPage } from './pages/RedFlags';
import { RecordPage } from './pages/Record';
import { ReportsPage } from './pages/Reports';
import { ResultsPage } from './pages/Results';
import { SignInPage } from './pages/SignIn';
import { href, Link, navigate, useLocation } from './router';
import { currentSession, PageId, pagesFor, signOut, useSession } from './session';
import { useProgrammeChoice, usePreferences } from './state';
import { useUnit } from './units';

/** Client routes. Their paths must not be API paths: a browser opening /balances gets the API's JSON. */
export const ROUTES: readonly { readonly id: PageId; readonly path: string; readonly render: () => ReactNode }[] = [
  { id: 'overview', path: '/', render: () => <OverviewPage /> },
  { id: 'progress', path: '/tien-do', render: () => <ProgressPage /> },
  { id: 'results', path: '/ket-qua', render: () => <ResultsPage /> },
  { id: 'reconciliation', path: '/doi-soat', render: () => <ReconciliationPage /> },
  { id: 'reports', path: '/bao-cao', render: () => <ReportsPage /> },
  { id: 'record', path: '/ghi-so', render: () => <RecordPage /> },
  { id: 'journal', path: '/nhap-nhat-ky', render: () => <JournalPage /> },
  { id: 'history', path: '/so-dong-von', render: () => <HistoryPage /> },
  { id: 'decisions', path: '/quyet-dinh', render: () => <DecisionsPage /> },
  { id: 'adjustments', path: '/dieu-chinh', render: () => <AdjustmentsPage /> },
  { id: 'redflags', path: '/co-do', render: () => <RedFlagsPage /> },
];

export const SIGN_IN_PATH = '/dang-nhap';

export function App() {
  const { t, lang, setLang, name } = useI18n();
  const session = useSession();
  const programmes = useProgrammeChoice();
  const sessionUnit = useUnit(session?.unit, session?.unitDay);
  const { moneyUnit, setMoneyUnit } = usePreferences();
  const { path, query } = useLocation();
  const main = useRef<HTMLElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);

  // Not signed in: every page but the sign-in page sends you there, and back afterwards.
  useEffect(() => {
    const here = window.location.pathname;
    if (!currentSession() && here !== SIGN_IN_PATH) navigate(href(SIGN_IN_PATH, { next: here + window.location.search }), { replace: true });
  }, [session, path]);

  // After a navigation, move focus to the page so keyboard and screen-reader users start at its heading.
  const first = useRef(true);
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);

  const route = ROUTES.find((r) => r.path === path);
  const allowed = session ? pagesFor(session.role) : [];
  let page: ReactNode;
  if (path === SIGN_IN_PATH || !session) {
    page = <SignInPage next={query.get('next') ?? '/'} />;
  } else if (!route) {
    page = <Missing text={t('app.notFound')} />;
  } else if (!allowed.includes(route.id)) {
    page = <Missing text={t('app.forbidden', { role: t(`role.${session.role}`) })} />;
  } else {
    page = route.render();
  }

  const unitName = session ? (sessionUnit?.nameVi ?? session.unit) : '';
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <div className="brand">
          <Link to="/" className="brand-link">
            {t('app.name')}
          </Link>
        </div>
        <div className="prefs">
          {programmes.programmes.length > 1 && (
            <label className="programme-pick">
              <span>{t('programme.label')}</span>
              <select name="programme" value={programmes.chosen?.programme.code ?? ''} onChange={(e) => programmes.choose(e.target.value)}>
                {programmes.programmes.map((p) => (
                  <option key={p.programme.code} value={p.programme.code}>
                    {p.programme.code} – {name(p.programme, p.programme.code)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <fieldset className="toggle" aria-label={t('pref.moneyUnit')}>
            <legend className="sr-only">{t('pref.moneyUnit')}</legend>
            {(['trieu', 'dong'] as const).map((u) => (
              <button key={u} type="button" aria-pressed={moneyUnit === u} onClick={() => setMoneyUnit(u)}>
                {t(u === 'trieu' ? 'pref.trieu' : 'pref.dong')}
              </button>
            ))}
          </fieldset>
          <fieldset className="toggle" aria-label={t('pref.language')}>
            <legend className="sr-only">{t('pref.language')}</legend>
            <button type="button" aria-pressed={lang === 'vi'} lang="vi" onClick={() => setLang('vi')}>
              Tiếng Việt
            </button>
            <button type="button" aria-pressed={lang === 'en'} lang="en" onClick={() => setLang('en')}>
              English
            </button>
          </fieldset>
          {session && (
            <div className="who">
              <span data-testid="signed-in">{t('session.signedInAs', { actor: session.actor, role: t(`role.${session.role}`), unit: unitName })}</span>
              <button type="button" onClick={() => (signOut(), navigate(SIGN_IN_PATH))}>
                {t('session.signOut')}
              </button>
            </div>
          )}
        </div>
      </header>
      {session && (
        <nav className="main-nav" aria-label={t('app.menu')}>
          <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="nav-list" onClick={() => setMenuOpen(!menuOpen)}>
            {t('app.menu')}
          </button>
          <ul id="nav-list" className={menuOpen ? 'open' : ''}>
            {ROUTES.filter((r) => allowed.includes(r.id)).map((r) => (
              <li key={r.id}>
                <Link to={r.path} aria-current={r.path === path ? 'page' : undefined}>
                  {t(`nav.${r.id}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" ref={main} tabIndex={-1}>
        {programmes.loaded.error && <LoadError error={programmes.loaded.error} onRetry={programmes.loaded.reload} />}
        {path !== SIGN_IN_PATH && <ReadModelNotice />}
        {page}
      </main>
    </>
  );
}

function Missing({ text }: { text: string }) {
  const { t } = useI18n();
  return (
    <div className="notice">
      <p>{text}</p>
      <Link to="/">{t('app.home')}</Link>
    </div>
  );
}
