; bindings.scm — marks the names a statement binds, so calls and references resolve to the right binding and
; local names shadow imports. Captures: @assign (+ .target .value .type) for `x = value` / `x: T = value` with a
; single plain-name target; @bind (+ .name, optional .value and .type) for every other binding form; @global
; and @nonlocal (+ .name) for declarations. `(#set! kind ...)` says what the binding is:
;   param   — a function/lambda parameter (binds in that function, although it sits outside the body)
;   with    — `with X() as name` (value: X())        walrus — `(name := value)`
;   augmented — `name += value` (reads and rebinds)
;   plain   — any other binding with no known value (for targets, unpacking, except ... as, del ...)

(assignment
  left: (identifier) @assign.target
  right: (_)? @assign.value
  type: (_)? @assign.type) @assign

; Unpacking targets: the target is captured whole (@bind.unpack) and facts.c binds its names down to one level
; of nesting (`a, b = ...`, `for i, (a, b) in ...`, `x, *rest = ...`): plain names, and the names directly in a
; nested tuple, list or starred pattern. One pattern spelling out those combinations took ~30 ms of the ~75 ms the
; queries take to compile (what a run on a few files mostly costs); this one takes ~7 ms.
([(assignment left: [(pattern_list) (tuple_pattern) (list_pattern)] @bind.unpack)
  (for_statement left: [(identifier) @bind.name
                        (pattern_list) @bind.unpack (tuple_pattern) @bind.unpack (list_pattern) @bind.unpack])
  (for_in_clause left: [(identifier) @bind.name
                        (pattern_list) @bind.unpack (tuple_pattern) @bind.unpack (list_pattern) @bind.unpack])] @bind
 (#set! kind "plain"))
((augmented_assignment left: (identifier) @bind.name) @bind (#set! kind "augmented"))
((delete_statement (identifier) @bind.name) @bind (#set! kind "plain"))

; `with X() as name` binds name to X() (kind "with"); `with X() as (a, b)` and `except E as name` bind plain
; names. The as_pattern is captured whole (@bind.as) and facts.c reads its target (bind_as): three patterns
; spelling those shapes out took ~77 M of the ~280 M instructions the queries compiled in.
((with_item value: (as_pattern) @bind.as) @bind (#set! kind "with"))
((except_clause value: (as_pattern) @bind.as) @bind (#set! kind "plain"))

((named_expression
  name: (identifier) @bind.name
  value: (_) @bind.value) @bind (#set! kind "walrus"))

((parameters (identifier) @bind.name) @bind (#set! kind "param"))
((lambda_parameters (identifier) @bind.name) @bind (#set! kind "param"))
((default_parameter name: (identifier) @bind.name) @bind (#set! kind "param"))
((typed_parameter (identifier) @bind.name type: (type) @bind.type) @bind (#set! kind "param"))
((typed_default_parameter name: (identifier) @bind.name type: (type) @bind.type) @bind (#set! kind "param"))
((list_splat_pattern (identifier) @bind.name) @bind (#set! kind "param"))
((dictionary_splat_pattern (identifier) @bind.name) @bind (#set! kind "param"))
((typed_parameter (list_splat_pattern (identifier) @bind.name)) @bind (#set! kind "param"))
((typed_parameter (dictionary_splat_pattern (identifier) @bind.name)) @bind (#set! kind "param"))

(global_statement (identifier) @global.name) @global
(nonlocal_statement (identifier) @nonlocal.name) @nonlocal

; Attribute assignments `self.client = httpx.Client()` (any object name; the model keeps those whose object is
; a method's first parameter), so `self.client.get(...)` resolves through the class. Captures: @attr (+ .object
; .name .value .type).
(assignment
  left: (attribute
    object: (identifier) @attr.object
    attribute: (identifier) @attr.name)
  right: (_)? @attr.value
  type: (_)? @attr.type) @attr
