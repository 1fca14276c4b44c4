import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Catalogue } from '../catalogue/catalogue';
import { CommandsModule } from '../commands/commands.module';
import { LedgerConfig } from '../config/ledger-config';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CredentialStore, openCredentialStore } from './credentials';
import { OidcVerifier } from './oidc';
import { SessionTokens } from './session-tokens';
import { UsersController } from './users.controller';

/**
 * Identity and access: the credentials store, session tokens, OpenID Connect, the guard on every route (APP_GUARD),
 * sign-in and the users' history. The account commands themselves are slices of the command registry.
 */
@Global()
@Module({
  imports: [CommandsModule],
  controllers: [AuthController, UsersController],
  providers: [
    { provide: CredentialStore, useFactory: (config: LedgerConfig) => openCredentialStore(config), inject: [LedgerConfig] },
    {
      provide: SessionTokens,
      useFactory: (config: LedgerConfig) => {
        const { tokens, generated } = SessionTokens.load(config);
        if (generated) new Logger('Auth').log(`generated the sign-in key ${config.authKeyFile} (keep it out of backups of the data folder)`);
        return tokens;
      },
      inject: [LedgerConfig],
    },
    { provide: OidcVerifier, useFactory: (config: LedgerConfig, catalogue: Catalogue) => new OidcVerifier(config, catalogue), inject: [LedgerConfig, Catalogue] },
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, CredentialStore],
})
export class IdentityModule {}
