// CBitSystem: the POSIX calls BitLab's on-device code makes, as static inline wrappers.
//
// Embedded Swift has no Glibc module, so every system call the runtime and the daemon need goes
// through this header (the swift-system idea: one place where C is touched). Each wrapper returns
// what the C call returns; on failure, `bitsys_errno()` tells why. Not a stable API.

#ifndef CBITSYSTEM_H
#define CBITSYSTEM_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/// The calling thread's errno.
static inline int bitsys_errno(void) { return errno; }

/// A static description of an errno value (strerror).
static inline const char *bitsys_strerror(int error) { return strerror(error); }

/// open(path, O_RDONLY | O_CLOEXEC), retried on EINTR.
static inline int bitsys_open_read_only(const char *path) {
    int fd;
    do { fd = open(path, O_RDONLY | O_CLOEXEC); } while (fd < 0 && errno == EINTR);
    return fd;
}

/// The size of an open regular file, or -1 (errno set; EINVAL when it is not a regular file).
static inline int64_t bitsys_regular_file_size(int fd) {
    struct stat info;
    if (fstat(fd, &info) != 0) return -1;
    if (!S_ISREG(info.st_mode)) { errno = EINVAL; return -1; }
    return (int64_t)info.st_size;
}

/// mmap(NULL, length, PROT_READ, MAP_PRIVATE, fd, 0); NULL on failure.
static inline const void *bitsys_map_read_only(int fd, size_t length) {
    void *address = mmap(NULL, length, PROT_READ, MAP_PRIVATE, fd, 0);
    return address == MAP_FAILED ? NULL : address;
}

/// munmap of a mapping made by bitsys_map_read_only.
static inline int bitsys_unmap(const void *address, size_t length) {
    return munmap((void *)address, length);
}

/// close(fd).
static inline int bitsys_close(int fd) { return close(fd); }

#endif
