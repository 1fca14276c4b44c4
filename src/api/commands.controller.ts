import { Body, Controller, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Actor, Beneficiaries, LegalBasis } from '../../events';
import type { Basis, CommandContext } from '../commands/command';
import type { CommandResult } from '../commands/command-runner';
import {
  AdjustCommand,
  AllocateFundsCommand,
  AssignPlanCommand,
  CarryOverCommand,
  DisburseCommand,
  ReclassifyActivityCommand,
  RecordOutputsCommand,
  RegisterActivityCommand,
  ReturnFundsCommand,
  ReverseDisbursementCommand,
} from '../commands/handlers';
import type { LedgerCommand } from '../commands/ledger-command';
import { InvalidCommand } from '../shared/errors';
import { ActorGuard } from './actor.guard';
import type { CommandBodyDto, DecisionDto, DocumentDto, VoucherDto } from './dto/common.dto';
import {
  AdjustDto,
  AllocateFundsDto,
  AssignPlanDto,
  CarryOverDto,
  DisburseDto,
  ReclassifyActivityDto,
  RecordOutputsDto,
  RegisterActivityDto,
  ReturnFundsDto,
  ReverseDisbursementDto,
} from './dto/commands.dto';

type Req = { actor: Actor };
type CommandHeaders = Record<string, string | undefined>;
type CommandClass<I> = new (ctx: CommandContext, input: I, body: unknown) => LedgerCommand<I>;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const decisionBasis = (d: DecisionDto): LegalBasis => ({ kind: 'decision', number: d.number, date: d.date, issuer: d.issuer });
const voucherBasis = (v: VoucherDto): LegalBasis => ({ kind: 'voucher', number: v.number, date: v.date, treasury: v.treasury });
const documentBasis = (d: DocumentDto): LegalBasis => ({
  kind: 'document',
  title: d.title,
  date: d.date,
  ...(d.number ? { number: d.number } : {}),
  ...(d.issuer ? { issuer: d.issuer } : {}),
});
const basis = (legalBasis: LegalBasis, dto: CommandBodyDto): Basis => ({
  legalBasis,
  effectiveDate: dto.effectiveDate ?? legalBasis.date,
});

function beneficiaries(value: Record<string, unknown> | undefined, field: string): Beneficiaries {
  const out: Record<string, number> = {};
  for (const [category, n] of Object.entries(value ?? {})) {
    if (!Number.isSafeInteger(n) || (n as number) < 0) {
      throw InvalidCommand.field(`${field}.${category}`, 'must be a whole number of beneficiaries, 0 or more');
    }
    out[category] = n as number;
  }
  return out;
}

const ACTOR_HEADERS = [
  ApiHeader({ name: 'X-Actor', required: true, description: 'who records the command' }),
  ApiHeader({ name: 'X-Role', required: true, description: 'officer | accountant | admin | importer' }),
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retried command with the same key returns the first result' }),
  ApiHeader({ name: 'If-Match', required: false, description: "expected revision of the command's primary stream" }),
];

function Command(summary: string): MethodDecorator {
  return (target, key, descriptor) => {
    for (const d of [
      ApiOperation({ summary }),
      ApiResponse({ status: 201, description: 'recorded; the body gives the global position of its last event' }),
      ApiResponse({ status: 400, description: 'invalid fields, each named with the reason' }),
      ApiResponse({ status: 409, description: 'refused by a business rule: machine code and reason' }),
      ApiResponse({ status: 412, description: 'the expected revision does not match' }),
      ApiResponse({ status: 422, description: 'the Idempotency-Key was used for a different command' }),
      ...ACTOR_HEADERS,
      HttpCode(201),
    ]) {
      d(target, key, descriptor);
    }
  };
}

/** One POST per command. Each maps its DTO to the command's input and sends it on the CommandBus. */
@ApiTags('commands')
@Controller('commands')
@UseGuards(ActorGuard)
export class CommandsController {
  constructor(private readonly bus: CommandBus) {}

  private send<I>(
    type: CommandClass<I>,
    req: Req,
    headers: CommandHeaders,
    dto: CommandBodyDto,
    input: I,
    body: unknown = dto,
  ): Promise<CommandResult> {
    return this.bus.execute(new type(context(req, headers, dto), input, body));
  }

  @Post('assign-plan')
  @Command('Giao kế hoạch vốn: assign a plan to a fund line')
  assignPlan(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: AssignPlanDto) {
    return this.send(AssignPlanCommand, req, h, dto, {
      line: dto.line,
      amount: dto.amount,
      note: dto.note,
      basis: basis(decisionBasis(dto.decision), dto),
    });
  }

  @Post('register-activity')
  @Command('Register an activity (model, project, work, course) with its kind, component, communes, beneficiaries and targets')
  registerActivity(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: RegisterActivityDto) {
    return this.send(RegisterActivityCommand, req, h, dto, {
      activityId: dto.activityId ?? randomUUID(),
      name: dto.name,
      programme: dto.programme,
      component: dto.component,
      kind: dto.kind,
      unit: dto.unit,
      communes: dto.communes ?? [],
      ...(dto.investor ? { investor: dto.investor } : {}),
      beneficiaries: beneficiaries(dto.beneficiaries, 'beneficiaries'),
      targets: (dto.targets ?? []).map((t) => ({ indicator: t.indicator, quantity: t.quantity })),
      basis: basis(decisionBasis(dto.decision), dto),
    });
  }

  @Post('allocate')
  @Command('Phân bổ chi tiết: allocate part of a line to an activity')
  allocate(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: AllocateFundsDto) {
    return this.send(AllocateFundsCommand, req, h, dto, {
      line: dto.line,
      activityId: dto.activityId,
      amount: dto.amount,
      basis: basis(decisionBasis(dto.decision), dto),
    });
  }

  @Post('disburse')
  @Command("Giải ngân: disburse against an activity's allocation, by treasury voucher")
  disburse(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: DisburseDto) {
    return this.send(DisburseCommand, req, h, dto, {
      line: dto.line,
      activityId: dto.activityId,
      disbursementId: dto.disbursementId ?? randomUUID(),
      amount: dto.amount,
      basis: basis(voucherBasis(dto.voucher), dto),
    });
  }

  @Post('reverse-disbursement')
  @Command('Reverse a whole disbursement by a correcting event')
  reverseDisbursement(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: ReverseDisbursementDto) {
    return this.send(ReverseDisbursementCommand, req, h, dto, {
      line: dto.line,
      disbursementId: dto.disbursementId,
      reason: dto.reason,
      basis: basis(voucherBasis(dto.voucher), dto),
    });
  }

  @Post('return-funds')
  @Command('Nộp trả / hủy dự toán: return or cancel unspent money')
  returnFunds(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: ReturnFundsDto) {
    return this.send(ReturnFundsCommand, req, h, dto, {
      line: dto.line,
      returnId: dto.returnId ?? randomUUID(),
      mode: dto.mode,
      amount: dto.amount,
      activityId: dto.activityId,
      reason: dto.reason,
      basis: basis(decisionBasis(dto.decision), dto),
    });
  }

  @Post('carry-over')
  @Command('Chuyển nguồn: carry unspent money into the next budget year, keeping its origin year')
  carryOver(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: CarryOverDto) {
    return this.send(CarryOverCommand, req, h, dto, {
      from: dto.from,
      carryOverId: dto.carryOverId ?? randomUUID(),
      amount: dto.amount,
      activityId: dto.activityId,
      deadline: dto.deadline,
      basis: basis(decisionBasis(dto.decision), dto),
    });
  }

  @Post('adjust')
  @Command('Điều chỉnh: increase or decrease a line, or move money between lines or activities')
  adjust(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: AdjustDto) {
    const common = {
      adjustmentId: dto.adjustmentId ?? randomUUID(),
      amount: dto.amount,
      reason: dto.reason,
      basis: basis(decisionBasis(dto.decision), dto),
    };
    if (dto.kind === 'move') {
      const end = (e: NonNullable<AdjustDto['from']>) => ({ line: e.line, ...(e.activityId ? { activityId: e.activityId } : {}) });
      return this.send(AdjustCommand, req, h, dto, { kind: 'move', from: end(dto.from!), to: end(dto.to!), ...common });
    }
    return this.send(AdjustCommand, req, h, dto, { kind: dto.kind, line: dto.line!, ...common });
  }

  @Post('activities/:activityId/reclassify')
  @Command('Điều chỉnh phân loại: change an activity\'s kind (e.g. value-chain → community production), optionally moving its money')
  reclassify(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: ReclassifyActivityDto) {
    const activityId = (req as unknown as { params: { activityId: string } }).params.activityId;
    return this.send(ReclassifyActivityCommand, req, h, dto, {
      activityId,
      reclassificationId: dto.reclassificationId ?? randomUUID(),
      toKind: dto.toKind,
      ...(dto.toComponent ? { toComponent: dto.toComponent } : {}),
      reason: dto.reason,
      moves: (dto.moves ?? []).map((m) => ({ from: m.from, to: m.to, amount: m.amount })),
      basis: basis(decisionBasis(dto.decision), dto),
    }, { activityId, ...dto });
  }

  @Post('activities/:activityId/outputs')
  @Command('Kết quả đầu ra: record outputs of an activity (houses, households, hectares, trainees...)')
  recordOutputs(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: RecordOutputsDto) {
    const activityId = (req as unknown as { params: { activityId: string } }).params.activityId;
    const legalBasis = dto.decision ? decisionBasis(dto.decision) : documentBasis(dto.document!);
    return this.send(RecordOutputsCommand, req, h, dto, {
      activityId,
      outputs: dto.outputs.map((o) => ({ indicator: o.indicator, quantity: o.quantity })),
      ...(dto.beneficiaries ? { beneficiaries: beneficiaries(dto.beneficiaries, 'beneficiaries') } : {}),
      completed: dto.completed ?? false,
      basis: basis(legalBasis, dto),
    }, { activityId, ...dto });
  }
}

function context(req: Req, headers: CommandHeaders, dto: CommandBodyDto): CommandContext {
  const key = headers['idempotency-key'];
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw InvalidCommand.field('Idempotency-Key', 'must be 1-200 visible ASCII characters');
  }
  const ifMatch = headers['if-match'];
  let expectedRevision = dto.expectedRevision;
  if (ifMatch !== undefined) {
    const m = /^(?:W\/)?"?(-?\d+)"?$/.exec(ifMatch.trim());
    if (!m) throw InvalidCommand.field('If-Match', 'must be the revision number of the stream, e.g. "3"');
    expectedRevision = Number(m[1]);
  }
  const commandId = randomUUID();
  return {
    commandId,
    actor: req.actor,
    now: new Date().toISOString(),
    correlationId: headers['x-correlation-id']?.slice(0, 200) ?? commandId,
    ...(key ? { idempotencyKey: key } : {}),
    ...(expectedRevision !== undefined ? { expectedRevision } : {}),
  };
}
