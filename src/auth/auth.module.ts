import { Global, Module } from '@nestjs/common';
import { CitizenTokenVerifier } from './citizen-token-verifier.service.js';
import { TokenVerifier } from './token-verifier.service.js';

@Global()
@Module({ providers: [TokenVerifier, CitizenTokenVerifier], exports: [TokenVerifier, CitizenTokenVerifier] })
export class AuthModule {}
