import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { formatExecutionErrors } from './error-formatter.js';
import { RequestLoaders } from './loaders.js';
import { TokenVerifier } from '../auth/token-verifier.service.js';
import { CitizenTokenVerifier } from '../auth/citizen-token-verifier.service.js';
import { AuthModule } from '../auth/auth.module.js';
import { authenticate } from '../auth/authenticate.js';
import type { AuthState } from '../common/auth/access.guard.js';
import { assertComplexity, rejectJsonDocuments, validationRules } from './validation-rules.js';

/** The request context every resolver sees. */
export interface GraphQLContext extends AuthState {
  req: FastifyRequest;
  reply: FastifyReply;
  loaders: RequestLoaders;
}

/**
 * Everything specific to the GraphQL driver (Mercurius on Fastify) lives in this folder.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      imports: [AuthModule],
      inject: [APP_CONFIG, TokenVerifier, CitizenTokenVerifier],
      useFactory: (config: AppConfig, tokens: TokenVerifier, citizens: CitizenTokenVerifier) => {
        const limits = {
          maxDepth: config.graphqlMaxDepth,
          maxComplexity: config.graphqlMaxComplexity,
          maxAliases: config.graphqlMaxAliases,
          introspection: config.graphqlIntrospection,
        };
        return {
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          buildSchemaOptions: { dateScalarMode: 'isoDate', numberScalarMode: 'integer' },
          graphiql: config.nodeEnv !== 'production',
          allowBatchedQueries: false,
          jit: 1,
          cache: 1024,
          routes: true,
          validationRules: validationRules(limits),
          hooks: {
            // Mercurius would take a source that is not GraphQL but JSON as a ready-made AST; we only take GraphQL.
            preParsing: async (_schema: GraphQLSchema, source: string) => rejectJsonDocuments(source),
            preExecution: async (schema: GraphQLSchema, document: DocumentNode, _ctx: unknown, variables?: Record<string, unknown>) => {
              assertComplexity(schema, document, variables, limits.maxComplexity);
            },
          },
          context: async (req: FastifyRequest, reply: FastifyReply): Promise<GraphQLContext> => ({
            req,
            reply,
            loaders: new RequestLoaders(),
            ...(await authenticate(req.headers.authorization, { tokens, citizens })),
          }),
          errorFormatter: (execution: { errors: readonly GraphQLError[] }, ctx: { reply?: FastifyReply; app?: { log: FastifyRequest['log'] } }) =>
            formatExecutionErrors(execution as never, ctx.reply?.log ?? (ctx.app?.log as FastifyRequest['log'])),
        } as MercuriusDriverConfig;
      },
    }),
  ],
})
export class LotseGraphQLModule {}
