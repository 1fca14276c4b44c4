import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ProjectionContext } from '../../projections/shared/context';
import { acceptBodies } from '../api/body-parsers';
import { AuditService } from '../audit/audit.service';
import { AuditModule } from '../audit/audit.module';
import { Catalogue } from '../catalogue/catalogue';
import { LiveProjections } from '../projections/projection-runner';
import { ReadQueries } from '../projections/read-queries';
import { PROJECTION_CONTEXT, ProjectionsModule } from '../projections/projections.module';
import { EVENT_STORE, EventStore } from '../store/event-store.port';
import { REPORT_UPLOAD_TYPES, ReportsController } from './reports.controller';
import { ReportService } from './reports.service';

/**
 * Reports: GET /reports/resources (JSON, XLSX, CSV, Word draft), POST /reports/verify, GET /reports/iati. Reads the
 * read models (ProjectionsModule) and the audit log (AuditModule); records nothing.
 */
@Module({
  imports: [ProjectionsModule, AuditModule],
  controllers: [ReportsController],
  providers: [
    {
      provide: ReportService,
      useFactory: (queries: ReadQueries, catalogue: Catalogue, ctx: ProjectionContext, runner: LiveProjections, store: EventStore, audit: AuditService) =>
        new ReportService(
          { queries, catalogue, ctx, position: () => runner.position, waitFor: (p, ms) => runner.waitFor(p, ms), head: () => store.headPosition() },
          {
            treeHeadCovering: (p) => audit.treeHeadCovering(p),
            treeAt: (p) => audit.treeAt(p),
            checkTreeHead: (h) => audit.checkTreeHead(h),
          },
        ),
      inject: [ReadQueries, Catalogue, PROJECTION_CONTEXT, LiveProjections, EVENT_STORE, AuditService],
    },
  ],
  exports: [ReportService],
})
export class ReportsModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  /** A filed report is POSTed as its bytes. */
  onModuleInit(): void {
    acceptBodies(this.adapterHost, REPORT_UPLOAD_TYPES, 'buffer');
  }
}
