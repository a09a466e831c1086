//! What the unit tests of several stages share: a small API lowered from
//! YAML text.

use std::path::Path;

use crate::ir::Api;

/// The API lowered from one YAML document.
pub fn lowered(yaml: &str) -> Api {
    let loaded = crate::load::load_text(Path::new("spec.yaml"), yaml).expect("document loads");
    crate::lower::lower(&loaded).expect("document lowers")
}

/// One operation with a path string, an optional list and an optional
/// integer, and a required body; the body's struct has a required string,
/// a field named by a keyword, a nullable one, a recursive one and one of
/// a deprecated model.
pub const PETS: &str = "
openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{petId}:
    put:
      operationId: updatePet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: limit, in: query, schema: {type: integer, format: int32}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '200': {description: ok}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        type: {type: string}
        note: {type: string, nullable: true}
        parent: {$ref: '#/components/schemas/Pet'}
        legacy: {$ref: '#/components/schemas/Old'}
    Old:
      type: object
      deprecated: true
      properties:
        id: {type: integer}
";
