/** M&E staff record the everyday commands; each form shows the ledger's refusals inline, in the user's language. */
import { useState } from 'react';
import type { CommandResult } from '../api';
import { Field, Loading, PageHeader } from '../components/ui';
import { useI18n } from '../i18n';
import { useQueryState } from '../router';
import { can, useSession } from '../session';
import { useProgrammeCatalogue, useProgrammeCode } from '../state';
import { OutputsForm, ReclassifyForm, RegisterActivityForm } from './record/activity-forms';
import { useUnitActivities, useUnitLines } from './record/data';
import { AdjustForm, AllocateForm, AssignPlanForm, CarryOverForm, DisburseForm, FormProps, ReturnFundsForm, ReverseForm } from './record/money-forms';

const COMMANDS = {
  'assign-plan': AssignPlanForm,
  'register-activity': RegisterActivityForm,
  allocate: AllocateForm,
  disburse: DisburseForm,
  'reverse-disbursement': ReverseForm,
  'return-funds': ReturnFundsForm,
  'carry-over': CarryOverForm,
  adjust: AdjustForm,
  reclassify: ReclassifyForm,
  outputs: OutputsForm,
} as const satisfies Record<string, (props: FormProps) => unknown>;
type CommandName = keyof typeof COMMANDS;

export function RecordPage() {
  const { t } = useI18n();
  const session = useSession();
  const [query, setQuery] = useQueryState();
  const requested = query.get('lenh') ?? 'disburse';
  const command: CommandName = requested in COMMANDS ? (requested as CommandName) : 'disburse';
  const [minPosition, setMinPosition] = useState<number | undefined>(undefined);
  const catalogue = useProgrammeCatalogue();
  const programme = useProgrammeCode() ?? undefined;
  const unit = session?.unit ?? '';
  const { lines } = useUnitLines(programme, unit, minPosition);
  const activities = useUnitActivities(lines);
  if (!can(session, 'record')) return null;
  // The forms offer the programme's lists and start from its years: they wait for its catalogue.
  const Form = COMMANDS[command];
  const onSaved = (result: CommandResult) => setMinPosition(result.position);
  return (
    <div>
      <PageHeader title={t('record.title')} intro={t('record.intro')} />
      <div className="card">
        <Field label={t('record.command')}>
          {(p) => (
            <select {...p} name="command" value={command} onChange={(e) => setQuery({ lenh: e.target.value }, true)}>
              {(Object.keys(COMMANDS) as CommandName[]).map((c) => (
                <option key={c} value={c}>
                  {t(`record.cmd.${c}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <h2>{t(`record.cmd.${command}`)}</h2>
        {catalogue ? <Form key={`${command}|${catalogue.programme.code}`} unit={unit} lines={lines} activities={activities} minPosition={minPosition} onSaved={onSaved} /> : <Loading />}
      </div>
    </div>
  );
}
