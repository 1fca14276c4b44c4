import { Body, Controller, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../events';
import type { CommandContext } from '../commands/command';
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
import { ActorGuard } from '../actor/actor.guard';
import type { CommandBodyDto } from '../commands/shared/common.dto';
import {
  adjustInput,
  allocateFundsInput,
  assignPlanInput,
  carryOverInput,
  disburseInput,
  reclassifyActivityInput,
  recordOutputsInput,
  registerActivityInput,
  returnFundsInput,
  reverseDisbursementInput,
} from './command-inputs';
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
    return this.send(AssignPlanCommand, req, h, dto, assignPlanInput(dto));
  }

  @Post('register-activity')
  @Command('Register an activity (model, project, work, course) with its kind, component, communes, beneficiaries and targets')
  registerActivity(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: RegisterActivityDto) {
    return this.send(RegisterActivityCommand, req, h, dto, registerActivityInput(dto));
  }

  @Post('allocate')
  @Command('Phân bổ chi tiết: allocate part of a line to an activity')
  allocate(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: AllocateFundsDto) {
    return this.send(AllocateFundsCommand, req, h, dto, allocateFundsInput(dto));
  }

  @Post('disburse')
  @Command("Giải ngân: disburse against an activity's allocation, by treasury voucher")
  disburse(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: DisburseDto) {
    return this.send(DisburseCommand, req, h, dto, disburseInput(dto));
  }

  @Post('reverse-disbursement')
  @Command('Reverse a whole disbursement by a correcting event')
  reverseDisbursement(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: ReverseDisbursementDto) {
    return this.send(ReverseDisbursementCommand, req, h, dto, reverseDisbursementInput(dto));
  }

  @Post('return-funds')
  @Command('Nộp trả / hủy dự toán: return or cancel unspent money')
  returnFunds(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: ReturnFundsDto) {
    return this.send(ReturnFundsCommand, req, h, dto, returnFundsInput(dto));
  }

  @Post('carry-over')
  @Command('Chuyển nguồn: carry unspent money into the next budget year, keeping its origin year')
  carryOver(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: CarryOverDto) {
    return this.send(CarryOverCommand, req, h, dto, carryOverInput(dto));
  }

  @Post('adjust')
  @Command('Điều chỉnh: increase or decrease a line, or move money between lines or activities')
  adjust(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: AdjustDto) {
    return this.send(AdjustCommand, req, h, dto, adjustInput(dto));
  }

  @Post('activities/:activityId/reclassify')
  @Command('Điều chỉnh phân loại: change an activity\'s kind (e.g. value-chain → community production), optionally moving its money')
  reclassify(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: ReclassifyActivityDto) {
    const activityId = (req as unknown as { params: { activityId: string } }).params.activityId;
    return this.send(ReclassifyActivityCommand, req, h, dto, reclassifyActivityInput(activityId, dto), { activityId, ...dto });
  }

  @Post('activities/:activityId/outputs')
  @Command('Kết quả đầu ra: record outputs of an activity (houses, households, hectares, trainees...)')
  recordOutputs(@Req() req: Req, @Headers() h: CommandHeaders, @Body() dto: RecordOutputsDto) {
    const activityId = (req as unknown as { params: { activityId: string } }).params.activityId;
    return this.send(RecordOutputsCommand, req, h, dto, recordOutputsInput(activityId, dto), { activityId, ...dto });
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
