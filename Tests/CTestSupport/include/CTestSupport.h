// Test-only C helpers for the tests that run built executables. Not part of any product.

#ifndef CTESTSUPPORT_H
#define CTESTSUPPORT_H

/// Makes the calling process a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER, 1)`): orphaned
/// descendants are reparented to it rather than to init, so it can `wait4` for a grandchild and
/// read that process's own resource usage. Returns 0, or -1 with errno set. Linux only.
///
/// `prctl` is variadic, so Swift cannot call it directly.
int bbt_become_child_subreaper(void);

#endif
