import { isPublicCatalogQuery } from './response-cache.js';

describe('isPublicCatalogQuery', () => {
  it.each([
    ['{ services(first: 20) { edges { node { id } } } }', undefined],
    ['query List($a: String) { services(after: $a) { totalCount } serviceAreas { id } __typename }', undefined],
    ['query A { service(id: "x") { id } } mutation B { submitForm { __typename } }', 'A'],
  ])('takes %s', (query, operationName) => {
    expect(isPublicCatalogQuery(query, operationName)).toBe(true);
  });

  it.each([
    ['mutation { publishForm(formId: "x", version: "1.0") { id } }', undefined, 'a mutation'],
    ['{ services { totalCount } webhooks { id } }', undefined, 'a staff field beside public ones'],
    ['{ submission(referenceNumber: "x") { status } }', undefined, 'an applicant field'],
    ['{ __schema { types { name } } }', undefined, 'introspection'],
    ['{ ...F } fragment F on Query { services { totalCount } }', undefined, 'a fragment at the root'],
    ['query A { services { totalCount } } query B { serviceAreas { id } }', undefined, 'two operations without a name'],
    ['query A { services { totalCount } }', 'C', 'an operation name not in the document'],
    ['{ services @include(if: true) { totalCount } }', undefined, 'a directive at the root'],
    ['{ services(first: ', undefined, 'a syntax error'],
  ])('refuses %s (%s, %s)', (query, operationName, _why) => {
    expect(isPublicCatalogQuery(query, operationName)).toBe(false);
  });
});
