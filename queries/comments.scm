; comments.scm — marks comments, where `# noqa` suppressions live.

(comment) @comment
