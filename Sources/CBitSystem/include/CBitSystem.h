// CBitSystem: the POSIX calls BitLab's on-device code makes, as static inline wrappers.
//
// Embedded Swift has no Glibc module, so every system call the runtime and the daemon need goes
// through this header (the swift-system idea: one place where C is touched). Each wrapper returns
// what the C call returns; on failure, `bitsys_errno()` tells why. Not a stable API.

#ifndef CBITSYSTEM_H
#define CBITSYSTEM_H

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#if defined(__GLIBC__) && !defined(__USE_GNU)
// accept4 is a GNU extension (also in musl and the BSDs) that glibc declares only under
// _GNU_SOURCE. Defining that here would change glibc's own structs (fd_set) against the ones the
// Glibc module was built with, and SwiftPM builds of modules that import both fail with clang
// module merge errors; so only the one prototype is declared.
extern int accept4(int fd, struct sockaddr *__restrict address, socklen_t *__restrict length, int flags);
#endif
#ifndef F_SETLEASE
// Linux's lease command, also GNU-only in glibc's headers; its value is the same on every architecture.
#define F_SETLEASE 1024
#endif

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

/// fcntl(fd, F_SETLEASE, F_RDLCK) on a file open read-only: before another process opens the file
/// for writing or truncates it, the kernel sends this one SIGIO and holds the other back until the
/// descriptor is closed (or /proc/sys/fs/lease-break-time seconds pass). Fails with EAGAIN when the
/// file is open for writing, EACCES when this process neither owns the file nor has CAP_LEASE.
static inline int bitsys_take_read_lease(int fd) { return fcntl(fd, F_SETLEASE, F_RDLCK); }

/// munmap of a mapping made by bitsys_map_read_only.
static inline int bitsys_unmap(const void *address, size_t length) {
    return munmap((void *)address, length);
}

/// close(fd).
static inline int bitsys_close(int fd) { return close(fd); }

// MARK: - Errno values the Swift side tests for

static const int bitsys_eagain = EAGAIN;
static const int bitsys_ewouldblock = EWOULDBLOCK;
static const int bitsys_enoent = ENOENT;
static const int bitsys_econnrefused = ECONNREFUSED;
static const int bitsys_eaddrinuse = EADDRINUSE;

// MARK: - Reading and writing

/// read(fd, buffer, length), retried on EINTR.
static inline ssize_t bitsys_read(int fd, void *buffer, size_t length) {
    ssize_t count;
    do { count = read(fd, buffer, length); } while (count < 0 && errno == EINTR);
    return count;
}

/// write(fd, buffer, length), retried on EINTR. With SIGPIPE ignored, a vanished reader is EPIPE.
static inline ssize_t bitsys_write(int fd, const void *buffer, size_t length) {
    ssize_t count;
    do { count = write(fd, buffer, length); } while (count < 0 && errno == EINTR);
    return count;
}

/// fcntl(fd, F_SETFL, flags | O_NONBLOCK).
static inline int bitsys_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// MARK: - Files and paths

/// What lstat says is at a path.
static const int bitsys_path_missing = 0;
static const int bitsys_path_socket = 1;
static const int bitsys_path_other = 2;

/// lstat(path): whether nothing, a socket or something else is there; -1 on another error.
static inline int bitsys_path_kind(const char *path) {
    struct stat info;
    if (lstat(path, &info) != 0) return errno == ENOENT ? bitsys_path_missing : -1;
    return S_ISSOCK(info.st_mode) ? bitsys_path_socket : bitsys_path_other;
}

/// unlink(path).
static inline int bitsys_unlink(const char *path) { return unlink(path); }

/// chmod(path, mode).
static inline int bitsys_chmod(const char *path, unsigned int mode) { return chmod(path, (mode_t)mode); }

// MARK: - Unix domain sockets

/// socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0).
static inline int bitsys_unix_socket(int nonblocking) {
    return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
}

/// Fills a sockaddr_un for `path`; -1 with ENAMETOOLONG when it does not fit sun_path.
static inline int bitsys_unix_address(const char *path, struct sockaddr_un *address) {
    size_t length = strlen(path);
    if (length == 0 || length >= sizeof(address->sun_path)) { errno = length == 0 ? EINVAL : ENAMETOOLONG; return -1; }
    memset(address, 0, sizeof(*address));
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path, path, length + 1);
    return 0;
}

/// bind(fd, path).
static inline int bitsys_unix_bind(int fd, const char *path) {
    struct sockaddr_un address;
    if (bitsys_unix_address(path, &address) != 0) return -1;
    return bind(fd, (const struct sockaddr *)&address, sizeof(address));
}

/// connect(fd, path), retried on EINTR (for a blocking socket).
static inline int bitsys_unix_connect(int fd, const char *path) {
    struct sockaddr_un address;
    if (bitsys_unix_address(path, &address) != 0) return -1;
    int result;
    do { result = connect(fd, (const struct sockaddr *)&address, sizeof(address)); } while (result != 0 && errno == EINTR);
    return result;
}

/// listen(fd, backlog).
static inline int bitsys_listen(int fd, int backlog) { return listen(fd, backlog); }

/// accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), retried on EINTR.
static inline int bitsys_accept(int fd) {
    int client;
    do { client = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); } while (client < 0 && errno == EINTR);
    return client;
}

// MARK: - poll

static const short bitsys_poll_in = POLLIN;
static const short bitsys_poll_out = POLLOUT;
static const short bitsys_poll_error = POLLERR;
static const short bitsys_poll_hangup = POLLHUP;
static const short bitsys_poll_invalid = POLLNVAL;

/// poll(fds, count, timeout_ms), retried on EINTR with the same timeout.
static inline int bitsys_poll(struct pollfd *fds, size_t count, int timeout_ms) {
    int ready;
    do { ready = poll(fds, (nfds_t)count, timeout_ms); } while (ready < 0 && errno == EINTR);
    return ready;
}

// MARK: - Signals

static const int bitsys_sighup = SIGHUP;
static const int bitsys_sigint = SIGINT;
static const int bitsys_sigio = SIGIO;
static const int bitsys_sigterm = SIGTERM;

/// Ignores SIGPIPE, blocks SIGHUP, SIGINT, SIGTERM and SIGIO (a broken file lease) and returns a
/// non-blocking signalfd that reports them, so a poll() loop handles signals as ordinary events;
/// -1 on failure.
static inline int bitsys_open_signal_descriptor(void) {
    struct sigaction ignore;
    memset(&ignore, 0, sizeof(ignore));
    ignore.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &ignore, NULL) != 0) return -1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGIO);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/// The next signal number from a signalfd, 0 when none is pending, -1 on error.
static inline int bitsys_read_signal(int fd) {
    struct signalfd_siginfo info;
    ssize_t count = bitsys_read(fd, &info, sizeof(info));
    if (count == (ssize_t)sizeof(info)) return (int)info.ssi_signo;
    if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    return -1;
}

// MARK: - Process

/// exit(status): flushes nothing BitLab buffers (it writes with write(2)) and ends the process.
static inline void bitsys_exit(int status) { exit(status); }

// MARK: - Time

/// CLOCK_MONOTONIC in nanoseconds.
static inline int64_t bitsys_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

// MARK: - Numbers

/// Parses the decimal number in `text[0 ..< length]` with strtof (correctly rounded, C locale),
/// which the caller has already checked against the grammar `[+-]? digits [. digits] [e [+-] digits]`.
/// Returns 0 and the value, or -1 when the text is longer than 63 bytes or the value overflows float32.
static inline int bitsys_parse_float(const char *text, size_t length, float *value) {
    char copy[64];
    if (length >= sizeof(copy)) return -1;
    memcpy(copy, text, length);
    copy[length] = 0;
    errno = 0;
    char *end = NULL;
    float parsed = strtof(copy, &end);
    if (end != copy + length) return -1;
    if (errno == ERANGE && (parsed == HUGE_VALF || parsed == -HUGE_VALF)) return -1;
    *value = parsed;
    return 0;
}

#endif
