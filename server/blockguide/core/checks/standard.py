"""Names every program of a language may use without defining them: its built-in types, errors and functions
and the standard library's most used ones. A guide that names `AbortSignal` for a JavaScript block that reads
`options.signal`, or `ValueError` for Python, names something real even when the block's file never spells it;
the name checks (`checks.prose.invented_names`) accept these for a larger model's draft, which is expected to
know the language. They are names, not claims: what the text says about them is checked elsewhere."""

from __future__ import annotations

import builtins
import sys

_JS = """Array ArrayBuffer BigInt Boolean DataView Date Error EvalError Function Infinity Intl JSON Map Math NaN Number
Object Promise Proxy RangeError ReferenceError Reflect RegExp Set String Symbol SyntaxError TypeError URIError
Uint8Array Int8Array Uint16Array Int16Array Uint32Array Int32Array Float32Array Float64Array BigInt64Array
BigUint64Array WeakMap WeakSet WeakRef AggregateError Iterator Generator AsyncGenerator AbortController AbortSignal
Blob Buffer Event EventTarget EventEmitter FormData Headers Request Response ReadableStream WritableStream
TextDecoder TextEncoder URL URLSearchParams console fetch globalThis process queueMicrotask setTimeout
clearTimeout setInterval clearInterval setImmediate structuredClone require module exports undefined null
parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI window document
HTMLElement Element Node DOMException"""

_TS = _JS + """ Partial Required Readonly Record Pick Omit Exclude Extract NonNullable ReturnType Parameters
InstanceType Awaited PromiseLike ArrayLike Iterable IterableIterator AsyncIterable unknown never any void"""

_GO = """bool byte rune int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 uintptr float32 float64 complex64
complex128 string error any comparable nil true false iota append cap clear close complex copy delete imag len
make max min new panic print println real recover fmt errors io os strings strconv bytes sort sync time context
math http json Reader Writer Context Errorf Sprintf Printf Println Mutex RWMutex WaitGroup Duration Time"""

_JAVA = """Object String StringBuilder Integer Long Short Byte Double Float Boolean Character Number Math System
Class Enum Record Iterable Comparable Runnable Thread Exception RuntimeException Error Throwable
IllegalArgumentException IllegalStateException NullPointerException IndexOutOfBoundsException
ArrayIndexOutOfBoundsException UnsupportedOperationException ClassCastException NumberFormatException
ArithmeticException IOException UncheckedIOException List ArrayList LinkedList Map HashMap LinkedHashMap TreeMap
Set HashSet LinkedHashSet TreeSet Collection Collections Arrays Iterator Optional Objects Stream Collectors
CharSequence Function Supplier Consumer Predicate BiFunction Override Deprecated FunctionalInterface null"""

_RUST = """Option Some None Result Ok Err Vec String Box Rc Arc RefCell Cell Mutex RwLock HashMap HashSet BTreeMap
BTreeSet VecDeque Clone Copy Debug Display Default Drop Eq PartialEq Ord PartialOrd Hash Iterator IntoIterator
From Into TryFrom TryInto AsRef AsMut Deref Send Sync Sized Fn FnMut FnOnce Error Formatter fmt io std core alloc
str usize isize u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 f32 f64 bool char println format panic assert vec
unreachable unimplemented todo Self self"""

_C = """size_t ssize_t ptrdiff_t intptr_t uintptr_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t
uint64_t bool true false NULL FILE EOF errno malloc calloc realloc free memcpy memmove memset memcmp strlen strcmp
strncmp strcpy strncpy strcat strchr strrchr strstr strdup printf fprintf sprintf snprintf fopen fclose fread
fwrite fgets fputs puts getchar putchar exit abort assert atoi strtol strtoul qsort bsearch stdin stdout stderr
va_list va_start va_end"""

_CPP = _C + """ std string string_view vector map unordered_map set unordered_set pair tuple optional variant
unique_ptr shared_ptr weak_ptr make_unique make_shared move forward size_type iterator begin end cout cerr endl
exception runtime_error logic_error invalid_argument out_of_range nullptr noexcept constexpr"""

STANDARD_NAMES: dict[str, frozenset[str]] = {
    "python": frozenset(dir(builtins)) | frozenset(sys.stdlib_module_names),
    "javascript": frozenset(_JS.split()),
    "typescript": frozenset(_TS.split()),
    "tsx": frozenset(_TS.split()),
    "go": frozenset(_GO.split()),
    "java": frozenset(_JAVA.split()),
    "rust": frozenset(_RUST.split()),
    "c": frozenset(_C.split()),
    "cpp": frozenset(_CPP.split()),
}


def standard_names(language: str) -> frozenset[str]:
    """The language's built-in and standard names (empty for a language not listed)."""
    return STANDARD_NAMES.get(language, frozenset())
