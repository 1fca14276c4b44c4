/**
 * Sign-in. Today: a user id, a role and a unit, sent to the ledger as X-Actor / X-Role (session.ts). When the
 * identity work lands, this page asks for credentials instead and the account gives the role and unit scope.
 */
import { FormEvent, useState } from 'react';
import { UnitSearch } from '../components/unit-search';
import { Field, PageHeader } from '../components/ui';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { ACTOR_ID, Role, ROLES, signIn } from '../session';
import type { UnitVersion } from '../types';
import { dayOf } from '../units';

export function SignInPage({ next }: { next: string }) {
  const { t } = useI18n();
  const [actor, setActor] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [unit, setUnit] = useState<UnitVersion | null>(null);
  const [tried, setTried] = useState(false);
  const actorError = tried && !ACTOR_ID.test(actor.trim()) ? t('session.actorInvalid') : undefined;
  const unitError = tried && !unit ? t('session.unitRequired') : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!ACTOR_ID.test(actor.trim()) || !unit) return;
    const unitDay = dayOf(unit);
    signIn({ actor: actor.trim(), role, unit: unit.code, ...(unitDay ? { unitDay } : {}) });
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
        <UnitSearch label={t('session.unit')} name="unit" value={unit} onChange={setUnit} help={t('session.unitHelp')} error={unitError} />
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
