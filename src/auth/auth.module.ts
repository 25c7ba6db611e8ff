import { Global, Module } from '@nestjs/common';
import { CitizenAccounts } from './citizen-accounts.service.js';
import { CitizenTokenVerifier } from './citizen-token-verifier.service.js';
import { TokenVerifier } from './token-verifier.service.js';

@Global()
@Module({ providers: [TokenVerifier, CitizenTokenVerifier, CitizenAccounts], exports: [TokenVerifier, CitizenTokenVerifier, CitizenAccounts] })
export class AuthModule {}
