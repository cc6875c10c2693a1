; scopes.scm — marks the code blocks that open a scope: functions (async or not), lambdas, classes,
; comprehensions. Captures: @function (+ .async .name .params .body), @lambda (+ .params .body),
; @class (+ .name .bases .body), @comprehension. Checked against tree-sitter-python 0.25.0.
; Only the body range of a function is "inside" it: decorators, default values and annotations are
; evaluated in the enclosing scope (ruff's model, shared/docs/rules-catalogue.md section 0).

(function_definition
  "async"? @function.async
  name: (identifier) @function.name
  parameters: (parameters) @function.params
  body: (block) @function.body) @function

(lambda
  parameters: (lambda_parameters)? @lambda.params
  body: (_) @lambda.body) @lambda

(class_definition
  name: (identifier) @class.name
  superclasses: (argument_list)? @class.bases
  body: (block) @class.body) @class

[(list_comprehension) (set_comprehension) (dictionary_comprehension) (generator_expression)] @comprehension
