// CBitSystem is header-only (static inline wrappers); this file gives SwiftPM a compilation unit.
#include "CBitSystem.h"
