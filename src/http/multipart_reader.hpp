#pragma once
// A streaming reader of multipart/form-data request bodies (RFC 7578 over RFC 2046): one part at a
// time, each part's content as an istream that ends exactly at the part's delimiter, with a fixed
// buffer whatever the size of the body. The buffer is scanned for the delimiter 16 bytes at a time
// and bulk reads are handed out in large copies, never byte by byte.
#include <cstddef>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// One part's headers, as sent.
struct MultipartPart {
  std::string name;  ///< Content-Disposition name=
  /// Content-Disposition filename= (or filename*=UTF-8''… decoded, which wins); empty if none.
  /// As sent: callers must reduce it to a safe display name before using it.
  std::string filename;
  bool has_filename = false;  ///< true for filename="" too (a browser's empty file input)
  std::string content_type;   ///< the part's Content-Type, "" if absent
  std::vector<std::pair<std::string, std::string>> headers;  ///< all, names as sent
};

/// Reads multipart/form-data (RFC 7578 / RFC 2046) from `body` one part at a time, without ever
/// holding more than a fixed buffer (kBufferSize) of it. The preamble and the epilogue are
/// ignored: nothing is read after the closing boundary, but what of the epilogue came in the
/// same read is dropped. Not thread-safe.
///
/// `body` is read like a socket: whatever it has ready, at least one byte per read, so parts come
/// out as soon as their bytes arrive. Its end before the closing boundary is an error, never the
/// end of a part; a failure of `body` (badbit, or an exception from it) is an error too.
class MultipartReader {
 public:
  static constexpr size_t kBufferSize = 256 * 1024;     ///< bytes of the body held at most
  static constexpr size_t kMaxHeaderBytes = 16 * 1024;  ///< per part, blank line included
  static constexpr int kMaxParts = 1000;
  /// Spaces and tabs allowed after a boundary before its CRLF (RFC 2046 transport padding).
  static constexpr size_t kMaxPadding = 1024;

  /// `boundary` is the Content-Type's boundary parameter (see MultipartBoundary); an invalid one
  /// makes Next() fail. `body` must outlive the reader.
  MultipartReader(std::istream& body, std::string boundary);
  MultipartReader(const MultipartReader&) = delete;
  MultipartReader& operator=(const MultipartReader&) = delete;

  /// Moves to the next part, skipping whatever of the current part was not read. true: a part is
  /// ready (its headers in *part); false: the closing boundary was read (and again on later
  /// calls). BadInput saying what was wrong: no opening boundary, a malformed boundary line or
  /// part header, part headers over 16 KiB, more than 1000 parts, and — worded distinctly — a
  /// body that ended before the closing boundary. Io when `body` failed. An error is final: every
  /// later call returns it again.
  Result<bool> Next(MultipartPart* part);

  /// The current part's content: reads end (eof) exactly at the part's delimiter. If the body
  /// ends or fails inside the part, the stream sets badbit and error() says why. Outside a part
  /// (before the first Next(), after the closing boundary) it is at eof. Valid for the reader's
  /// lifetime; not seekable.
  std::istream& content();

  /// Why content() or Next() failed, or Ok.
  Status error() const { return error_; }

 private:
  // content()'s streambuf: its get area is the part's bytes in buf_ known not to start a
  // delimiter, so reads through it are plain copies out of buf_.
  class ContentBuf : public std::streambuf {
   public:
    explicit ContentBuf(MultipartReader& reader) : reader_(reader) {}
    using std::streambuf::gptr;
    using std::streambuf::setg;

   protected:
    int_type underflow() override;
    std::streamsize xsgetn(char* s, std::streamsize n) override;

   private:
    MultipartReader& reader_;
  };

  enum class Phase { kPreamble, kHeaders, kPart, kClosed, kFailed };
  enum class Fill { kData, kDelimiter, kFailed };

  Fill MakeContent();
  void Scan();
  bool Refill();
  void Fail(Status s);
  void SyncFromContent();
  Status EndError() const;
  size_t FindNewline(size_t from, size_t limit, bool* ended);
  Result<bool> ReadBoundaryLine();
  Status ReadHeaders(MultipartPart* part);

  std::istream& body_;
  std::string delimiter_;  // CRLF "--" boundary
  std::unique_ptr<char[]> buf_;
  size_t pos_ = 0;            // first unconsumed byte of buf_
  size_t end_ = 0;            // end of the bytes read into buf_
  size_t safe_ = 0;           // [pos_, safe_) is content (or preamble) known to hold no delimiter
  size_t scan_ = 0;           // where Scan() resumes
  size_t delimiter_at_;       // where the delimiter ending the current part starts, or npos
  size_t skip_ = 0;           // bytes at pos_ dropped before the content (unless a delimiter)
  bool scan_pending_ = true;  // bytes after scan_ arrived since the last Scan()
  bool body_ended_ = false;   // `body` reported its end (or failure): no more reads
  Status body_error_;         // why `body` failed, when it did
  Phase phase_ = Phase::kPreamble;
  int parts_ = 0;
  Status error_;
  ContentBuf content_buf_;
  std::istream content_;
};

/// The boundary parameter of a multipart/form-data Content-Type, or BadInput (not
/// multipart/form-data, boundary missing, empty, longer than 70, or with characters RFC 2046
/// does not allow).
Result<std::string> MultipartBoundary(const std::string& content_type);

}  // namespace minutes
