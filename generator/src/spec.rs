//! Loading spec inputs (files and directories of pages, OpenAPI files) into one IR.
