"""Which calls read or write files or talk to the network, from the callee as written."""

from __future__ import annotations

import re


# Calls that touch files or the network. Unqualified names are specific enough on their own; the qualified
# patterns name generic methods (get, open, create) only on receivers that say what they are.
_FILE_NAMES = {
    "open", "fopen", "fdopen", "freopen", "fread", "fwrite", "fgets", "fputs", "fgetc", "fputc", "fprintf",
    "fscanf", "fclose", "fflush", "read_text", "write_text", "read_bytes", "write_bytes", "readFile",
    "readFileSync", "writeFile", "writeFileSync", "appendFile", "appendFileSync", "createReadStream",
    "createWriteStream", "readdir", "readdirSync", "mkdirSync", "unlinkSync", "read_to_string", "read_dir",
    "ifstream", "ofstream", "fstream", "FileReader", "FileWriter", "FileInputStream", "FileOutputStream",
    "RandomAccessFile", "readAllLines", "readAllBytes", "readString", "writeString", "newBufferedReader",
    "newBufferedWriter", "makedirs", "rmtree", "copyfile", "copyfileobj", "NamedTemporaryFile", "mkstemp",
    "ReadFile", "WriteFile", "OpenFile", "ReadDir", "MkdirAll", "RemoveAll", "iterdir", "glob", "rglob",
    "open_binary", "open_text", "fsync", "getline",
}


_FILE_QUALIFIED = re.compile(
    r"(^|\.)(os|io|fs|ioutil|shutil|pathlib|Path|File|Files|path)(\.|::)(remove|unlink|rename|replace|mkdir|"
    r"rmdir|Create|Open|Remove|Rename|Stat|stat|create|open|read|write|copy|exists|isfile|listdir|scandir|walk)$"
)


_NET_NAMES = {
    "urlopen", "fetch", "XMLHttpRequest", "WebSocket", "EventSource", "sendall", "recv", "recvfrom", "sendto",
    "create_connection", "getaddrinfo", "gethostbyname", "curl_easy_perform", "openConnection", "ClientSession",
    "HttpClient", "HTTPConnection", "HTTPSConnection", "Dial", "DialContext", "DialTimeout", "NewRequest",
    "NewRequestWithContext", "ListenAndServe", "urlretrieve", "make_request", "sendRequest",
}


_NET_QUALIFIED = re.compile(
    r"(^|\.)(requests|httpx|aiohttp|urllib\.request|http|https|axios|got|superagent|reqwest|ureq|socket|net|"
    r"smtplib|ftplib|session|_session|client|http_client|httpClient|conn|connection|sock|ws|TcpStream|"
    r"UdpSocket|TcpListener)(\.|::)(get|post|put|patch|delete|head|options|request|send|connect|Do|Get|Post|"
    r"Head|PostForm|urlopen|stream|fetch|bind|listen|accept|sendall|recv|write|read)$"
)


def io_kind(callee: str) -> str | None:
    """'file' or 'network' when a callee (as written: `os.remove`, `fs.readFile`, `File::open`) does I/O."""
    callee = callee.replace("?.", ".")
    last = re.split(r"\.|::", callee)[-1].rstrip("!")
    if _NET_QUALIFIED.search(callee) or last in _NET_NAMES:
        return "network"
    if _FILE_QUALIFIED.search(callee) or last in _FILE_NAMES:
        return "file"
    return None
