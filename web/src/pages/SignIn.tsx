/**
 * Sign-in. Today: a user id, a role and a unit, sent to the ledger as X-Actor / X-Role (session.ts). When the
 * identity work lands, this page asks for credentials instead and the account gives the role and unit scope.
 */
import { FormEvent, useState } from 'react';
import { Field, PageHeader } from '../components/ui';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { ACTOR_ID, Role, ROLES, signIn } from '../session';
import { useCatalogue } from '../state';

export function SignInPage({ next }: { next: string }) {
  const { t, name } = useI18n();
  const catalogue = useCatalogue();
  const [actor, setActor] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [unit, setUnit] = useState('184');
  const [tried, setTried] = useState(false);
  const actorError = tried && !ACTOR_ID.test(actor.trim()) ? t('session.actorInvalid') : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!ACTOR_ID.test(actor.trim())) return;
    signIn({ actor: actor.trim(), role, unit });
    navigate(next.startsWith('/') && !next.startsWith('/dang-nhap') ? next : '/');
  };

  return (
    <div className="sign-in">
      <PageHeader title={t('session.title')} intro={t('session.intro')} />
      <form onSubmit={submit} noValidate className="card form-grid">
        <Field label={t('session.actor')} help={t('session.actorHelp')} error={actorError}>
          {(p) => <input {...p} name="actor" autoComplete="username" value={actor} onChange={(e) => setActor(e.target.value)} autoFocus />}
        </Field>
        <Field label={t('session.role')}>
          {(p) => (
            <select {...p} name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('session.unit')}>
          {(p) => (
            <select {...p} name="unit" value={unit} onChange={(e) => setUnit(e.target.value)}>
              {(catalogue?.units ?? [{ code: '184', nameVi: 'Huyện Văn Quan', level: 'district' as const }]).map((u) => (
                <option key={u.code} value={u.code}>
                  {u.level === 'commune' ? '\u00a0\u00a0' : ''}
                  {name(u, u.code)} ({u.code})
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary">
            {t('session.submit')}
          </button>
        </div>
        <p className="note">{t('session.note')}</p>
      </form>
    </div>
  );
}
