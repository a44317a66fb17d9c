// zlib for BitLab: CRC-32, inflate and deflate, on device and offline.
//
// zlib's own API is used as is. The only additions wrap zlib's init macros, which Swift cannot
// import because they expand to calls that pass ZLIB_VERSION and sizeof(z_stream).
// This shim has no stable API of its own.

#ifndef CZLIB_H
#define CZLIB_H

#include <zlib.h>

/// `inflateInit2(stream, windowBits)`; windowBits -15 reads raw deflate (as ZIP stores it).
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

/// `deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, strategy)`.
static inline int CZlib_deflateInit2(z_streamp stream, int level, int windowBits, int memLevel, int strategy) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, strategy);
}

#endif
