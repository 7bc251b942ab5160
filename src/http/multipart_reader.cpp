#include "http/multipart_reader.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace minutes {
namespace {

constexpr size_t kNpos = std::string::npos;
constexpr size_t kMaxBoundary = 70;  // RFC 2046 §5.1.1

bool IsTokenChar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsTokenChar(static_cast<unsigned char>(c));
  });
}

// CTLs other than HT are never allowed in a header value (a stray CR would be a smuggled line).
bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

using Params = std::vector<std::pair<std::string, std::string>>;

// A header value of the form `value *( OWS ";" OWS name "=" ( token / quoted-string ) )`
// (RFC 9110 §5.6.6, RFC 6266): `*value` is what precedes the first ';', trimmed; parameter names
// are lowered; quoted strings are unquoted (backslash escapes). OWS around '=' is tolerated.
Status ParseParameters(std::string_view v, std::string* value, Params* params) {
  size_t semi = v.find(';');
  *value = std::string(Trim(v.substr(0, semi)));
  size_t i = semi == kNpos ? v.size() : semi;
  auto skip_ows = [&] {
    while (i < v.size() && IsOws(v[i])) ++i;
  };
  while (i < v.size()) {
    if (v[i] != ';')
      return Status::BadInput("expected ';' before '" + std::string(v.substr(i)) + "'");
    ++i;
    skip_ows();
    if (i == v.size() || v[i] == ';') continue;  // an empty parameter: tolerated
    size_t name_start = i;
    while (i < v.size() && IsTokenChar(static_cast<unsigned char>(v[i]))) ++i;
    std::string name = Lowered(v.substr(name_start, i - name_start));
    skip_ows();
    if (name.empty() || i == v.size() || v[i] != '=')
      return Status::BadInput("a parameter without a name and '=' at '" +
                              std::string(v.substr(name_start)) + "'");
    ++i;
    skip_ows();
    std::string param;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        char c = v[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == v.size()) break;
          c = v[i++];
        }
        param += c;
      }
      if (!closed) return Status::BadInput("an unterminated quoted string in parameter " + name);
    } else {
      size_t start = i;
      while (i < v.size() && v[i] != ';' && !IsOws(v[i]) && v[i] != '"') ++i;
      param = std::string(v.substr(start, i - start));
    }
    skip_ows();
    for (const auto& [seen, unused] : *params)
      if (seen == name) return Status::BadInput("parameter " + name + " given twice");
    params->emplace_back(std::move(name), std::move(param));
  }
  return Status::Ok();
}

const std::string* FindParam(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// An RFC 8187 ext-value (charset'language'percent-encoded) as UTF-8.
Result<std::string> DecodeExtValue(std::string_view v) {
  size_t q1 = v.find('\''), q2 = q1 == kNpos ? kNpos : v.find('\'', q1 + 1);
  if (q2 == kNpos) return Status::BadInput("filename* is not charset'language'value");
  std::string charset = Lowered(v.substr(0, q1));
  bool latin1 = charset == "iso-8859-1";
  if (charset != "utf-8" && !latin1)
    return Status::BadInput("filename* in charset '" + std::string(v.substr(0, q1)) +
                            "': only UTF-8 and ISO-8859-1 are understood");
  std::string out;
  for (size_t i = q2 + 1; i < v.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == '%') {
      int hi = i + 2 < v.size() ? HexValue(v[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(v[i + 2]) : -1;
      if (lo < 0) return Status::BadInput("filename* has a bad percent escape");
      c = static_cast<unsigned char>(hi * 16 + lo);
      i += 2;
    }
    if (latin1 && c >= 0x80) {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The first k >= i where "\r\n--" starts in b[i, end), or where a prefix of it ends b (the
// start of a delimiter that more bytes may complete); `end` if none. Anchoring on all four bytes
// keeps runs of CR or CRLF (what a byte-wise memchr for CR crawls through) as fast as anything.
size_t NextCandidate(const char* b, size_t i, size_t end) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'), dash = _mm_set1_epi8('-');
  for (; i + 19 <= end; i += 16) {
    auto at = [&](size_t o) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i + o));
    };
    __m128i hits =
        _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(at(0), cr), _mm_cmpeq_epi8(at(1), lf)),
                      _mm_and_si128(_mm_cmpeq_epi8(at(2), dash), _mm_cmpeq_epi8(at(3), dash)));
    if (int mask = _mm_movemask_epi8(hits); mask != 0)
      return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < end) {
    const void* hit = std::memchr(b + i, '\r', end - i);
    if (hit == nullptr) break;
    size_t k = static_cast<size_t>(static_cast<const char*>(hit) - b);
    if (std::memcmp(b + k, "\r\n--", std::min<size_t>(4, end - k)) == 0) return k;
    i = k + 1;
  }
  return end;
}

// RFC 2046 §5.1.1: 1 to 70 bchars, not ending in a space.
Status CheckBoundary(std::string_view b) {
  if (b.empty()) return Status::BadInput("the multipart boundary is empty");
  if (b.size() > kMaxBoundary)
    return Status::BadInput("the multipart boundary is longer than 70 characters");
  for (char c : b) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c != 0 && std::strchr("'()+_,-./:=? ", c) != nullptr);
    if (!ok)
      return Status::BadInput("the multipart boundary has characters RFC 2046 does not allow");
  }
  if (b.back() == ' ') return Status::BadInput("the multipart boundary ends with a space");
  return Status::Ok();
}

}  // namespace

MultipartReader::MultipartReader(std::istream& body, std::string boundary)
    : body_(body),
      delimiter_("\r\n--" + boundary),
      buf_(std::make_unique_for_overwrite<char[]>(kBufferSize)),
      delimiter_at_(kNpos),
      content_buf_(*this),
      content_(&content_buf_) {
  // The opening delimiter may come without the CRLF before it: reading the body as if it began
  // with one makes it an ordinary delimiter (and an empty preamble).
  std::memcpy(buf_.get(), "\r\n", 2);
  end_ = 2;
  if (Status s = CheckBoundary(boundary); !s.ok()) Fail(std::move(s));
}

std::istream& MultipartReader::content() { return content_; }

void MultipartReader::Fail(Status s) {
  if (phase_ == Phase::kFailed) return;
  error_ = std::move(s);
  phase_ = Phase::kFailed;
  content_buf_.setg(nullptr, nullptr, nullptr);
  try {
    content_.setstate(std::ios::badbit);
  } catch (...) {  // exceptions() asked for it; Next() reports by value instead
  }
}

Status MultipartReader::EndError() const {
  if (!body_error_.ok()) return body_error_;
  if (phase_ == Phase::kPreamble)
    return Status::BadInput("not a multipart body: no opening boundary \"" + delimiter_.substr(2) +
                            "\" before the body ended");
  return Status::BadInput("the body ended before the closing boundary: was the upload cut short?");
}

void MultipartReader::SyncFromContent() {
  if (content_buf_.gptr() != nullptr) pos_ = static_cast<size_t>(content_buf_.gptr() - buf_.get());
}

bool MultipartReader::Refill() {
  if (body_ended_) return false;
  char* b = buf_.get();
  if (pos_ > 0) {
    std::memmove(b, b + pos_, end_ - pos_);
    end_ -= pos_;
    safe_ -= pos_;
    scan_ -= pos_;
    if (delimiter_at_ != kNpos) delimiter_at_ -= pos_;
    pos_ = 0;
  }
  // Never 0: callers keep at most a delimiter, a boundary line (kMaxPadding) or a header block
  // (kMaxHeaderBytes) unconsumed, and FindNewline() stops at its limit before asking for more.
  std::streamsize room = static_cast<std::streamsize>(kBufferSize - end_);
  std::streamsize got = 0;
  try {
    // Like recv(): what the stream has ready, else wait for one byte and take what came with it.
    got = body_.readsome(b + end_, room);
    if (got == 0) {
      int c = body_.get();
      if (c != std::char_traits<char>::eof()) {
        b[end_] = static_cast<char>(c);
        got = 1 + body_.readsome(b + end_ + 1, room - 1);
      }
    }
  } catch (const std::exception& e) {
    got = 0;
    body_error_ =
        Status::Io(std::string("reading the body failed before the closing boundary: ") + e.what());
  } catch (...) {
    got = 0;
    body_error_ = Status::Io("reading the body failed before the closing boundary");
  }
  if (got > 0) {
    end_ += static_cast<size_t>(got);
    scan_pending_ = true;
    return true;
  }
  body_ended_ = true;
  if (body_error_.ok() && (body_.bad() || (body_.fail() && !body_.eof())))
    body_error_ = Status::Io(
        "reading the body failed before the closing boundary (a broken connection or a timeout?)");
  return false;
}

// Looks for the delimiter in [scan_, end_). Leaves safe_ at the delimiter when one is found
// (delimiter_at_), else at the first byte that may start one once more bytes come (or end_).
// A candidate is CRLF "--" boundary followed by CR, space, tab (then the boundary line must be
// well formed) or "--"; anything else after it is content. Only "\r\n--" anchors get the full
// compare, and since the delimiter holds no other CR, compares never overlap: the work stays
// linear in the body whatever it contains.
void MultipartReader::Scan() {
  scan_pending_ = false;
  const char* b = buf_.get();
  const char* d = delimiter_.data();
  const size_t len = delimiter_.size();
  size_t i = scan_;
  while (i < end_) {
    size_t k = NextCandidate(b, i, end_);
    if (k == end_) break;
    size_t have = end_ - k;
    if (have <= len) {  // too few bytes to decide: keep them if they may start a delimiter
      if (std::memcmp(b + k, d, have) == 0) {
        scan_ = safe_ = k;
        return;
      }
      i = k + 1;
      continue;
    }
    if (std::memcmp(b + k + 4, d + 4, len - 4) != 0) {
      i = k + 1;
      continue;
    }
    char after = b[k + len];
    if (after == '\r' || after == ' ' || after == '\t') {
      scan_ = safe_ = delimiter_at_ = k;
      return;
    }
    if (after == '-') {
      if (have == len + 1) {
        scan_ = safe_ = k;
        return;
      }
      if (b[k + len + 1] == '-') {
        scan_ = safe_ = delimiter_at_ = k;
        return;
      }
    }
    i = k + 1;
  }
  scan_ = safe_ = end_;
}

MultipartReader::Fill MultipartReader::MakeContent() {
  for (;;) {
    if (phase_ == Phase::kFailed) return Fill::kFailed;
    if (pos_ < safe_) {
      if (skip_ == 0) return Fill::kData;
      size_t n = std::min(skip_, safe_ - pos_);
      pos_ += n;
      skip_ -= n;
      continue;
    }
    if (delimiter_at_ != kNpos) return Fill::kDelimiter;
    if (!scan_pending_ && !Refill()) {
      Fail(EndError());
      return Fill::kFailed;
    }
    Scan();
  }
}

size_t MultipartReader::FindNewline(size_t from, size_t limit, bool* ended) {
  for (;;) {
    size_t stop = std::min(end_ - pos_, limit);
    if (from < stop) {
      const void* nl = std::memchr(buf_.get() + pos_ + from, '\n', stop - from);
      if (nl != nullptr)
        return static_cast<size_t>(static_cast<const char*>(nl) - buf_.get()) - pos_;
      from = stop;
    }
    if (stop == limit) {
      *ended = false;
      return kNpos;
    }
    if (!Refill()) {
      *ended = true;
      return kNpos;
    }
  }
}

Result<bool> MultipartReader::ReadBoundaryLine() {
  // Scan() saw the byte(s) after the boundary, so they are in buf_.
  pos_ += delimiter_.size();
  delimiter_at_ = kNpos;
  skip_ = 0;
  const char* b = buf_.get();
  if (b[pos_] == '-') {  // "--": the closing boundary
    pos_ += 2;
    return false;
  }
  bool ended = false;
  size_t nl = FindNewline(0, kMaxPadding + 2, &ended);
  if (nl == kNpos && ended) return EndError();
  bool ok = nl != kNpos && nl > 0 && b[pos_ + nl - 1] == '\r';
  for (size_t i = 0; ok && i + 1 < nl; ++i) ok = IsOws(b[pos_ + i]);
  if (!ok)
    return Status::BadInput("malformed boundary line after part " + std::to_string(parts_) +
                            ": only spaces or tabs (at most 1 KiB) may follow a boundary, then "
                            "CRLF");
  pos_ += nl + 1;
  return true;
}

Status MultipartReader::ReadHeaders(MultipartPart* part) {
  const std::string where = "part " + std::to_string(parts_) + ": ";
  size_t off = 0;  // from pos_: the header lines end before it
  for (;;) {
    bool ended = false;
    size_t nl = FindNewline(off, kMaxHeaderBytes, &ended);
    if (nl == kNpos)
      return ended ? EndError() : Status::BadInput(where + "the part's headers are over 16 KiB");
    size_t len = nl - off;
    if (len > 0 && buf_[pos_ + nl - 1] == '\r') --len;
    if (len == 0) {
      std::string_view block(buf_.get() + pos_, off);
      pos_ += nl + 1;
      // Lines end in CRLF; a bare LF is taken too (it costs nothing here).
      while (!block.empty()) {
        size_t end = block.find('\n');
        std::string_view line = block.substr(0, end);
        block.remove_prefix(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (HasControl(line))
          return Status::BadInput(where + "a header line has control characters");
        if (IsOws(line.front())) {  // obs-fold: the previous header goes on
          if (part->headers.empty())
            return Status::BadInput(where + "a folded header line before any header");
          std::string& value = part->headers.back().second;
          std::string_view more = Trim(line);
          if (!more.empty()) value += (value.empty() ? "" : " ") + std::string(more);
          continue;
        }
        size_t colon = line.find(':');
        if (colon == std::string_view::npos || !IsToken(line.substr(0, colon)))
          return Status::BadInput(where + "malformed header line '" +
                                  std::string(line.substr(0, 100)) + "'");
        part->headers.emplace_back(std::string(line.substr(0, colon)),
                                   std::string(Trim(line.substr(colon + 1))));
      }
      break;
    }
    off = nl + 1;
  }

  const std::string* disposition = nullptr;
  for (const auto& [name, value] : part->headers) {
    if (EqualsNoCase(name, "Content-Disposition")) {
      if (disposition != nullptr)
        return Status::BadInput(where + "more than one Content-Disposition header");
      disposition = &value;
    } else if (EqualsNoCase(name, "Content-Type") && part->content_type.empty()) {
      part->content_type = value;
    }
  }
  if (disposition == nullptr)
    return Status::BadInput(where +
                            "no Content-Disposition header (RFC 7578 requires "
                            "'form-data; name=...')");
  std::string type;
  Params params;
  if (Status s = ParseParameters(*disposition, &type, &params); !s.ok())
    return Status::BadInput(where + "malformed Content-Disposition: " + s.message());
  if (!EqualsNoCase(type, "form-data"))
    return Status::BadInput(where + "Content-Disposition is '" + type + "', not form-data");
  const std::string* name = FindParam(params, "name");
  if (name == nullptr) return Status::BadInput(where + "Content-Disposition without a name");
  part->name = *name;
  if (const std::string* ext = FindParam(params, "filename*")) {
    auto decoded = DecodeExtValue(*ext);
    if (!decoded.ok()) return Status::BadInput(where + decoded.status().message());
    part->filename = std::move(decoded.value());
    part->has_filename = true;
  } else if (const std::string* plain = FindParam(params, "filename")) {
    part->filename = *plain;
    part->has_filename = true;
  }
  return Status::Ok();
}

Result<bool> MultipartReader::Next(MultipartPart* part) {
  if (phase_ == Phase::kFailed) return error_;
  if (phase_ == Phase::kClosed) return false;
  SyncFromContent();
  content_buf_.setg(nullptr, nullptr, nullptr);
  for (;;) {  // skip the preamble, or the rest of the current part
    Fill f = MakeContent();
    if (f == Fill::kFailed) return error_;
    if (f == Fill::kDelimiter) break;
    pos_ = safe_;
  }
  phase_ = Phase::kHeaders;
  auto more = ReadBoundaryLine();
  if (!more.ok()) {
    Fail(more.status());
    return error_;
  }
  if (!*more) {
    phase_ = Phase::kClosed;
    return false;
  }
  if (parts_ == kMaxParts) {
    Fail(Status::BadInput("more than " + std::to_string(kMaxParts) + " parts"));
    return error_;
  }
  ++parts_;
  *part = MultipartPart{};
  if (Status s = ReadHeaders(part); !s.ok()) {
    Fail(std::move(s));
    return error_;
  }
  phase_ = Phase::kPart;
  // RFC 2046 lets a part end right after its headers (body-part := headers [CRLF *OCTET]): then
  // the blank line's CRLF is the delimiter's. Scanning from that CRLF finds such a delimiter;
  // otherwise the CRLF is dropped before the content.
  if (buf_[pos_ - 2] == '\r' && buf_[pos_ - 1] == '\n') {
    pos_ -= 2;
    skip_ = 2;
  }
  scan_ = safe_ = pos_;
  scan_pending_ = true;
  content_.clear();
  return true;
}

MultipartReader::ContentBuf::int_type MultipartReader::ContentBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  MultipartReader& r = reader_;
  if (r.phase_ != Phase::kPart) return traits_type::eof();
  r.SyncFromContent();
  char* b = r.buf_.get();
  switch (r.MakeContent()) {
    case Fill::kData:
      setg(b + r.pos_, b + r.pos_, b + r.safe_);
      return traits_type::to_int_type(*gptr());
    case Fill::kDelimiter:
      setg(b + r.pos_, b + r.pos_, b + r.pos_);
      return traits_type::eof();
    case Fill::kFailed:
      break;
  }
  // Fail() set badbit, unless the istream was mid-operation with badbit in exceptions(): then
  // this makes the istream throw as it should.
  r.content_.setstate(std::ios::badbit);
  return traits_type::eof();
}

std::streamsize MultipartReader::ContentBuf::xsgetn(char* s, std::streamsize n) {
  std::streamsize done = 0;
  while (done < n) {
    std::streamsize ready = egptr() - gptr();
    if (ready == 0) {
      if (traits_type::eq_int_type(underflow(), traits_type::eof())) break;
      continue;
    }
    std::streamsize take = std::min(ready, n - done);
    std::memcpy(s + done, gptr(), static_cast<size_t>(take));
    gbump(static_cast<int>(take));
    done += take;
  }
  return done;
}

Result<std::string> MultipartBoundary(const std::string& content_type) {
  std::string media;
  Params params;
  if (Status s = ParseParameters(content_type, &media, &params); !s.ok())
    return Status::BadInput("malformed Content-Type: " + s.message());
  if (!EqualsNoCase(media, "multipart/form-data"))
    return Status::BadInput("Content-Type '" + media + "' is not multipart/form-data");
  const std::string* boundary = FindParam(params, "boundary");
  if (boundary == nullptr)
    return Status::BadInput("multipart/form-data without a boundary parameter");
  if (Status s = CheckBoundary(*boundary); !s.ok()) return s;
  return *boundary;
}

}  // namespace minutes
