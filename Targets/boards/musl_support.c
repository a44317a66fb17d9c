// What the Embedded Swift standard library needs from the C library and musl 1.2.3 (Debian 12)
// lacks: arc4random_buf, which seeds hashing. Linked into the board executables only.

#include <errno.h>
#include <stddef.h>
#include <sys/random.h>

/// Fills `buffer` with `count` random bytes from getrandom(2), retrying on EINTR and short reads.
/// The kernel's random source cannot fail for lengths this small once it is seeded; should it
/// fail anyway, the process stops rather than hash with a predictable seed.
void arc4random_buf(void *buffer, size_t count) {
    unsigned char *bytes = buffer;
    while (count > 0) {
        ssize_t got = getrandom(bytes, count, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            __builtin_trap();
        }
        bytes += got;
        count -= (size_t)got;
    }
}
