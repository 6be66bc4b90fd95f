"""The evidence bundle: a zip of the interchange document, every evidence file and a manifest.

Layout (nothing else is accepted)::

    incidents.json            the interchange document (docs/interchange.md), deflated
    evidence/<sha256>         each evidence file's bytes, exactly, stored (not compressed)
    custody/<sha256>.json     each file's custody trail (desktop.formats.custody_trail),
                              deflated; bundles written before trails travelled have none
    manifest.sha256           "<sha256>  <member>" per line for both of the above, the
                              format of ``sha256sum``: ``unzip`` then ``sha256sum -c
                              manifest.sha256`` checks a bundle without Incident Desk

Reading trusts nothing in the file. :class:`Bundle` refuses, before anything is read out:
a member whose name climbs out (``../``), is absolute or holds a backslash or a NUL; a
symbolic link; a name given twice (also differing only in case); an encrypted member; a
member that is not one of the above (also a trail of a file the bundle does not hold); a
declared size over the limits, a compression ratio
over :data:`MAX_RATIO` or a total over :data:`MAX_TOTAL` (zip bombs); members whose data
overlap (the "overlapping files" bomb). While reading, a member yielding more bytes than
declared is cut off and refused, and every file's SHA-256 is checked against its name and
the manifest: one mismatch refuses the whole bundle (the import service then writes
nothing).

Plain: no database, no Qt (the import-linter contracts in pyproject.toml).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from desktop.errors import ValidationError
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

DOCUMENT = "incidents.json"
MANIFEST = "manifest.sha256"
EVIDENCE = "evidence/"
CUSTODY = "custody/"
_TRAIL_SUFFIX = ".json"
SUFFIX = ".zip"
# The interchange document's own limit (desktop.services.filebytes.MAX_FILE_BYTES).
MAX_DOCUMENT = 1024 * 1024 * 1024
MAX_MANIFEST = 16 * 1024 * 1024
# A trail of custody_trail.MAX_ENTRIES entries, each of its longest, stays well below.
MAX_TRAIL = 64 * 1024 * 1024
# Every member's declared size together: well above any real workspace's evidence, well
# below what would fill an ordinary disk without warning.
MAX_TOTAL = 256 * 1024 * 1024 * 1024
MAX_MEMBERS = 200_000
# Text compresses tenfold, rarely a hundredfold; a bomb compresses a thousandfold and more.
MAX_RATIO = 200
_READ = 1 << 20
_SHA = re.compile(r"[0-9a-f]{64}")
_LINE = re.compile(r"([0-9a-f]{64})  (\S+)")
# 1980-01-01, zip's earliest time: the same records always give the same bundle.
_EPOCH = (1980, 1, 1, 0, 0, 0)
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class BundleFile:
    """One evidence file to write: its hash, size, its bytes a chunk at a time, and its
    custody trail's member bytes (custody_trail.write_trail; empty: none written)."""

    sha256: str
    size: int
    chunks: Callable[[], Iterable[bytes]]
    trail: bytes = b""


def recognises(head: bytes) -> bool:
    """Whether a file's first bytes are a zip's (which a bundle is)."""
    return head.startswith(_ZIP_MAGIC)


def _problem(message: str) -> ValidationError:
    return ValidationError("", message)


def write_bundle(
    handle: BinaryIO, document: Callable[[BinaryIO], None], files: Iterable[BundleFile]
) -> None:
    """Write a bundle to ``handle``: ``document`` writes the interchange document, then
    each file is copied in and checked against its SHA-256 on the way (a stored file that
    no longer matches raises ValidationError, and the caller discards the output)."""
    lines: list[str] = []
    with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
        info = zipfile.ZipInfo(DOCUMENT, _EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | 0o600) << 16
        digest = hashlib.sha256()
        with archive.open(info, "w", force_zip64=True) as member:
            document(_Hashing(member, digest))  # type: ignore[arg-type]
        lines.append(f"{digest.hexdigest()}  {DOCUMENT}")
        for file in files:
            name = f"{EVIDENCE}{file.sha256}"
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_STORED  # the bytes as they are
            info.external_attr = (stat.S_IFREG | 0o600) << 16
            digest = hashlib.sha256()
            with archive.open(info, "w", force_zip64=file.size >= 1 << 31) as member:
                for chunk in file.chunks():
                    digest.update(chunk)
                    member.write(chunk)
            if digest.hexdigest() != file.sha256:
                raise _problem(
                    f"evidence {file.sha256} is damaged (its bytes no longer match their "
                    "SHA-256): the bundle was not written. Run 'incident-desk evidence verify'."
                )
            lines.append(f"{file.sha256}  {name}")
            if file.trail:
                lines.append(_write_member(archive, trail_member(file.sha256), file.trail))
        manifest = zipfile.ZipInfo(MANIFEST, _EPOCH)
        manifest.compress_type = zipfile.ZIP_DEFLATED
        manifest.external_attr = (stat.S_IFREG | 0o600) << 16
        archive.writestr(manifest, "".join(f"{line}\n" for line in lines))


def trail_member(sha256: str) -> str:
    """The member holding the custody trail of the file ``sha256``."""
    return f"{CUSTODY}{sha256}{_TRAIL_SUFFIX}"


def _write_member(archive: zipfile.ZipFile, name: str, data: bytes) -> str:
    """Write a small deflated member; its manifest line."""
    info = zipfile.ZipInfo(name, _EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o600) << 16
    archive.writestr(info, data)
    return f"{hashlib.sha256(data).hexdigest()}  {name}"


def _trail_sha(name: str) -> str | None:
    """The file hash in a custody member's name, None when ``name`` is not one."""
    if not (name.startswith(CUSTODY) and name.endswith(_TRAIL_SUFFIX)):
        return None
    sha = name[len(CUSTODY) : -len(_TRAIL_SUFFIX)]
    return sha if _SHA.fullmatch(sha) else None


class _Hashing:
    """A writable stream that hashes what goes through it."""

    def __init__(self, stream: BinaryIO, digest: hashlib._Hash) -> None:
        self._stream, self._digest = stream, digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()


class Bundle:
    """A bundle opened for reading, every member checked (see the module's docstring).

    Use as a context manager. :attr:`files` maps each evidence file's SHA-256 to its size,
    :attr:`trails` holds those whose custody trail it carries; :meth:`document` gives the
    interchange document's bytes, :meth:`chunks` a file's, :meth:`trail` a trail's.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise _problem(f"{self.path.name} is not a readable bundle (zip): {exc}") from None
        except OSError as exc:
            raise _problem(f"{self.path.name}: cannot be read ({exc.strerror or exc})") from None
        try:
            self._members = self._check_members()
            self._expected = self._read_manifest()
        except BaseException:
            self._zip.close()
            raise
        self.files = {
            name[len(EVIDENCE) :]: info.file_size
            for name, info in self._members.items()
            if name.startswith(EVIDENCE)
        }
        self.trails = {sha for name in self._members if (sha := _trail_sha(name)) is not None}

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zip.close()

    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _problem(f"{self.path.name} holds {len(infos):,} files, more than a bundle may")
        members: dict[str, zipfile.ZipInfo] = {}
        folded: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            shown = quoted(name)
            if "\x00" in name or "\\" in name:
                raise _problem(f"refused {shown}: a member name with a backslash or NUL")
            if name.startswith("/") or re.match(r"[A-Za-z]:", name):
                raise _problem(f"refused {shown}: an absolute path")
            if ".." in name.split("/"):
                raise _problem(f"refused {shown}: a path that climbs out of the bundle (../)")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise _problem(f"refused {shown}: a symbolic link")
            if info.flag_bits & 0x1:
                raise _problem(f"refused {shown}: an encrypted member")
            if name.casefold() in folded:
                raise _problem(f"refused {shown}: the name is given twice")
            folded.add(name.casefold())
            if not (
                name in (DOCUMENT, MANIFEST)
                or (name.startswith(EVIDENCE) and _SHA.fullmatch(name[len(EVIDENCE) :]))
                or _trail_sha(name) is not None
            ):
                raise _problem(f"refused {shown}: not a member of an Incident Desk bundle")
            self._check_size(info, shown)
            total += info.file_size
            if total > MAX_TOTAL:
                raise _problem(f"refused {self.path.name}: its files add up to more than 256 GiB")
            members[name] = info
        for required in (DOCUMENT, MANIFEST):
            if required not in members:
                raise _problem(f"{self.path.name} is not a bundle: it has no {required}")
        for name in members:
            sha = _trail_sha(name)
            if sha is not None and f"{EVIDENCE}{sha}" not in members:
                raise _problem(f"refused {quoted(name)}: the trail of a file not in the bundle")
        self._check_overlaps(infos)
        return members

    def _check_size(self, info: zipfile.ZipInfo, shown: str) -> None:
        limit = {DOCUMENT: MAX_DOCUMENT, MANIFEST: MAX_MANIFEST}.get(info.filename, MAX_TOTAL)
        if info.filename.startswith(CUSTODY):
            limit = MAX_TRAIL
        if info.file_size > limit:
            raise _problem(f"refused {shown}: it declares {info.file_size:,} bytes, too many")
        if info.compress_type == zipfile.ZIP_STORED:
            if info.compress_size != info.file_size:
                raise _problem(f"refused {shown}: its sizes disagree")
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            if info.file_size > MAX_RATIO * max(info.compress_size, 1) + 1024:
                raise _problem(
                    f"refused {shown}: compressed more than {MAX_RATIO} to 1 (a zip bomb?)"
                )
        else:
            raise _problem(f"refused {shown}: compressed in a way bundles are not")

    def _check_overlaps(self, infos: list[zipfile.ZipInfo]) -> None:
        ordered = sorted(infos, key=lambda i: i.header_offset)
        for before, after in itertools.pairwise(ordered):
            # 30 bytes of local header, then the name; the data follow the extra field.
            end = before.header_offset + 30 + len(before.filename.encode()) + before.compress_size
            if end > after.header_offset:
                raise _problem(
                    f"refused {self.path.name}: members overlap (a zip bomb?) at "
                    f"{quoted(after.filename)}"
                )

    def _read_manifest(self) -> dict[str, str]:
        raw = b"".join(self._member_bytes(MANIFEST))
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            raise _problem(f"{MANIFEST}: not a list of SHA-256 sums") from None
        expected: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            found = _LINE.fullmatch(line)
            if found is None:
                raise _problem(f"{MANIFEST} line {number}: not '<sha256>  <name>'")
            sha, name = found.groups()
            if name in expected or name not in self._members or name == MANIFEST:
                raise _problem(f"{MANIFEST} line {number}: {quoted(name)} is not one member")
            if name.startswith(EVIDENCE) and name[len(EVIDENCE) :] != sha:
                raise _problem(f"{MANIFEST} line {number}: {name} listed with another SHA-256")
            expected[name] = sha
        unlisted = sorted(set(self._members) - set(expected) - {MANIFEST})
        if unlisted:
            raise _problem(f"{MANIFEST} does not list {quoted(unlisted[0])}")
        return expected

    def _member_bytes(self, name: str) -> Iterator[bytes]:
        """A member's bytes a chunk at a time, never more than it declares."""
        info = self._members[name]
        left = info.file_size
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(min(_READ, left + 1)):
                    left -= len(chunk)
                    if left < 0:
                        raise _problem(f"refused {quoted(name)}: longer than it declares")
                    yield chunk
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:  # bad CRC, cut short
            raise _problem(f"refused {quoted(name)}: damaged ({exc})") from None
        except OSError as exc:
            raise _problem(f"{self.path.name}: reading failed ({exc.strerror or exc})") from None
        if left:
            raise _problem(f"refused {quoted(name)}: shorter than it declares")

    def _checked(self, name: str) -> Iterator[bytes]:
        digest = hashlib.sha256()
        for chunk in self._member_bytes(name):
            digest.update(chunk)
            yield chunk
        if digest.hexdigest() != self._expected[name]:
            raise _problem(
                f"refused {self.path.name}: {name} does not match its SHA-256 "
                "(the bundle was altered or damaged); nothing was imported"
            )

    def document(self) -> bytes:
        """The interchange document's bytes, checked against the manifest."""
        return b"".join(self._checked(DOCUMENT))

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """An evidence file's bytes a chunk at a time; the last ``next`` raises
        ValidationError if they do not match the SHA-256 (the caller then writes nothing)."""
        return self._checked(f"{EVIDENCE}{sha256}")

    def trail(self, sha256: str) -> bytes | None:
        """The custody trail member of the file ``sha256``, checked against the manifest
        (None when the bundle carries none: one written before trails travelled)."""
        if sha256 not in self.trails:
            return None
        return b"".join(self._checked(trail_member(sha256)))
