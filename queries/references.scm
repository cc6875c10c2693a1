; references.scm — marks every identifier (@ref) and the identifiers that are not reads of a variable
; (@nonref: attribute names after a dot, keyword-argument names, import paths). A @ref that is neither a
; @nonref nor a binding site is a read; reads decide whether an assigned task is ever used (RUF006).

(identifier) @ref
(attribute attribute: (identifier) @nonref)
(keyword_argument name: (identifier) @nonref)
(dotted_name (identifier) @nonref)
(aliased_import alias: (identifier) @nonref)
