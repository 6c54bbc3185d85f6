//! OpenAPI front end: a Waldur OpenAPI 3 schema -> IR.
