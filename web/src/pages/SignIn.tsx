/**
 * Sign-in, in two steps: a user id and password (the ledger's account, which gives the role and its scope), then the
 * unit to work on (its search needs the session the first step opened). A refusal shows the reason in the app's
 * language when it is a known one (wrong user id or password, locked...), else in the ledger's words.
 */
import { FormEvent, useState } from 'react';
import { UnitSearch } from '../components/unit-search';
import { Field, PageHeader } from '../components/ui';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { Account, enter, signIn, SignInFailed } from '../session';
import type { UnitVersion } from '../types';
import { dayOf } from '../units';

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

export function SignInPage({ next }: { next: string }) {
  const { t, tk } = useI18n();
  const [actor, setActor] = useState('');
  const [password, setPassword] = useState('');
  const [account, setAccount] = useState<Account | null>(null);
  const [unit, setUnit] = useState<UnitVersion | null>(null);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string | undefined>();
  const actorError = tried && !USER_ID.test(actor.trim()) ? t('session.actorInvalid') : undefined;
  const passwordError = tried && password === '' ? t('session.passwordRequired') : undefined;
  const unitError = tried && account && !unit ? t('session.unitRequired') : undefined;

  const submitCredentials = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setRefused(undefined);
    if (!USER_ID.test(actor.trim()) || password === '') return;
    setBusy(true);
    try {
      setAccount(await signIn(actor.trim(), password));
      setPassword('');
      setTried(false);
    } catch (error) {
      const known = error instanceof SignInFailed ? tk('session.refused', error.code) : undefined;
      setRefused(error instanceof SignInFailed ? (known !== error.code ? known : error.message) : String(error));
    } finally {
      setBusy(false);
    }
  };

  const submitUnit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!account || !unit) return;
    enter(account, unit.code, dayOf(unit));
    navigate(next.startsWith('/') && !next.startsWith('/dang-nhap') ? next : '/');
  };

  return (
    <div className="sign-in">
      <PageHeader title={t('session.title')} intro={t(account ? 'session.introUnit' : 'session.intro')} />
      {account === null ? (
        <form onSubmit={submitCredentials} noValidate className="card form-grid">
          <Field label={t('session.actor')} help={t('session.actorHelp')} error={actorError}>
            {(p) => <input {...p} name="actor" autoComplete="username" value={actor} onChange={(e) => setActor(e.target.value)} autoFocus />}
          </Field>
          <Field label={t('session.password')} error={passwordError}>
            {(p) => <input {...p} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          {refused && (
            <p className="error" role="alert" data-testid="sign-in-refused">
              {refused}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {t('session.submit')}
            </button>
          </div>
          <p className="note">{t('session.note')}</p>
        </form>
      ) : (
        <form onSubmit={submitUnit} noValidate className="card form-grid">
          <p data-testid="account">{t('session.account', { actor: account.id, role: t(`role.${account.role}`), scope: account.scope })}</p>
          <UnitSearch label={t('session.unit')} name="unit" value={unit} onChange={setUnit} help={t('session.unitHelp')} error={unitError} />
          <div className="actions">
            <button type="submit" className="primary">
              {t('session.enter')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
