; imports.scm — marks import statements. Captures: @import with @import.module (the dotted module) and an
; optional @import.alias (`import a.b as c`); @from with @from.module (dotted or relative), and the statement's
; names are read from the node itself (each `name` field: dotted_name or aliased_import; or a wildcard).
; Imports inside functions are matched too: they bind in the enclosing function's scope.

(import_statement
  name: (dotted_name) @import.module) @import

(import_statement
  name: (aliased_import
    name: (dotted_name) @import.module
    alias: (identifier) @import.alias)) @import

(import_from_statement
  module_name: (_) @from.module) @from

(future_import_statement) @from
