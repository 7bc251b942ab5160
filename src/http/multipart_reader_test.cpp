#include "http/multipart_reader.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>

namespace minutes {
namespace {

using namespace std::string_literals;

// A body stream that hands out `data` in the chunk sizes `chunk` picks (one underflow per
// chunk, like a socket's recv), and throws — as a broken connection does — once `break_at`
// bytes have gone out.
class ChunkedBuf : public std::streambuf {
 public:
  ChunkedBuf(std::string data, std::function<size_t()> chunk, size_t break_at = std::string::npos)
      : data_(std::move(data)), chunk_(std::move(chunk)), break_at_(break_at) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (given_ == break_at_) throw std::runtime_error("connection reset by peer");
    if (given_ == data_.size()) return traits_type::eof();
    size_t n = std::min({std::max<size_t>(chunk_(), 1), data_.size() - given_, break_at_ - given_});
    setg(data_.data() + given_, data_.data() + given_, data_.data() + given_ + n);
    given_ += n;
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::string data_;
  std::function<size_t()> chunk_;
  size_t break_at_;
  size_t given_ = 0;
};

enum class Feed { kWhole, kOneByte, kRandomSmall };
enum class Read { kBulk, kIterator, kRandomSmall, kSkip };

struct ReadPart {
  MultipartPart head;
  std::string content;
  bool content_ok = true;  // content() ended at the delimiter (not badbit)
};

struct Outcome {
  std::vector<ReadPart> parts;
  bool closed = false;  // Next() returned false
  Status status;        // Next()'s error
};

std::function<size_t()> Chunker(Feed feed, uint32_t seed) {
  switch (feed) {
    case Feed::kWhole:
      return [] { return size_t{1} << 40; };
    case Feed::kOneByte:
      return [] { return size_t{1}; };
    case Feed::kRandomSmall:
      break;
  }
  auto rng = std::make_shared<std::mt19937>(seed);
  return [rng] { return std::uniform_int_distribution<size_t>(1, 97)(*rng); };
}

Outcome ReadAll(std::istream& body, const std::string& boundary, Read mode, uint32_t seed = 7) {
  Outcome out;
  MultipartReader reader(body, boundary);
  std::mt19937 rng(seed);
  static std::vector<char> buf(1 << 20);  // 1 MiB reads, as a store's upload loop does
  for (;;) {
    ReadPart part;
    auto next = reader.Next(&part.head);
    if (!next.ok()) {
      out.status = next.status();
      EXPECT_EQ(reader.error().message(), out.status.message());
      break;
    }
    if (!*next) {
      out.closed = true;
      EXPECT_TRUE(reader.error().ok());
      break;
    }
    std::istream& in = reader.content();
    switch (mode) {
      case Read::kBulk:
        while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
          part.content.append(buf.data(), static_cast<size_t>(in.gcount()));
        break;
      case Read::kIterator:
        part.content.assign(std::istreambuf_iterator<char>(in), {});
        break;
      case Read::kRandomSmall:
        for (;;) {
          auto n = std::uniform_int_distribution<std::streamsize>(1, 300)(rng);
          if (n == 1) {
            int c = in.get();
            if (c == EOF) break;
            part.content += static_cast<char>(c);
          } else {
            in.read(buf.data(), n);
            part.content.append(buf.data(), static_cast<size_t>(in.gcount()));
            if (!in) break;
          }
        }
        break;
      case Read::kSkip:
        break;
    }
    part.content_ok = !in.bad();
    if (in.bad()) {
      EXPECT_FALSE(reader.error().ok());
    }
    out.parts.push_back(std::move(part));
  }
  return out;
}

Outcome ReadBody(const std::string& body, const std::string& boundary, Feed feed, Read mode,
                 uint32_t seed = 7) {
  ChunkedBuf buf(body, Chunker(feed, seed));
  std::istream in(&buf);
  return ReadAll(in, boundary, mode, seed);
}

struct Expected {
  Expected(std::string n, std::string f, std::string c, bool has_f = false, std::string type = "")
      : name(std::move(n)),
        filename(std::move(f)),
        content(std::move(c)),
        has_filename(has_f),
        content_type(std::move(type)) {}
  std::string name, filename, content;
  bool has_filename;
  std::string content_type;
};

// Every way of feeding and reading `body` gives the same parts and a clean close.
void ExpectParts(const std::string& body, const std::string& boundary,
                 const std::vector<Expected>& want,
                 std::vector<Feed> feeds = {Feed::kWhole, Feed::kOneByte, Feed::kRandomSmall}) {
  for (Feed feed : feeds) {
    for (Read mode : {Read::kBulk, Read::kIterator, Read::kRandomSmall, Read::kSkip}) {
      SCOPED_TRACE("feed " + std::to_string(static_cast<int>(feed)) + ", read " +
                   std::to_string(static_cast<int>(mode)));
      Outcome got = ReadBody(body, boundary, feed, mode);
      ASSERT_TRUE(got.status.ok()) << got.status.message();
      EXPECT_TRUE(got.closed);
      ASSERT_EQ(got.parts.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got.parts[i].head.name, want[i].name) << i;
        EXPECT_EQ(got.parts[i].head.filename, want[i].filename) << i;
        EXPECT_EQ(got.parts[i].head.has_filename, want[i].has_filename) << i;
        EXPECT_EQ(got.parts[i].head.content_type, want[i].content_type) << i;
        EXPECT_TRUE(got.parts[i].content_ok) << i;
        if (mode != Read::kSkip) {
          EXPECT_EQ(got.parts[i].content, want[i].content) << i;
        }
      }
    }
  }
}

// A body of form-data parts named p0, p1, … with these contents.
std::string MakeBody(const std::string& boundary, const std::vector<std::string>& contents) {
  std::string body;
  for (size_t i = 0; i < contents.size(); ++i)
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"p" + std::to_string(i) +
            "\"\r\n\r\n" + contents[i] + "\r\n";
  return body + "--" + boundary + "--\r\n";
}

std::vector<Expected> Named(const std::vector<std::string>& contents) {
  std::vector<Expected> out;
  for (size_t i = 0; i < contents.size(); ++i)
    out.push_back({"p" + std::to_string(i), "", contents[i]});
  return out;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// RFC 7578 §4: the field1 example of §4.5 and a file, header names in lower case.
TEST(MultipartReader, Rfc7578Example) {
  std::string body =
      "--AaB03x\r\n"
      "content-disposition: form-data; name=\"field1\"\r\n"
      "content-type: text/plain;charset=UTF-8\r\n"
      "content-transfer-encoding: quoted-printable\r\n"
      "\r\n"
      "Joe owes =E2=82=AC100.\r\n"
      "--AaB03x\r\n"
      "content-disposition: form-data; name=\"pics\"; filename=\"file1.txt\"\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "...contents of file1.txt...\r\n"
      "--AaB03x--\r\n";
  ExpectParts(body, "AaB03x",
              {{"field1", "", "Joe owes =E2=82=AC100.", false, "text/plain;charset=UTF-8"},
               {"pics", "file1.txt", "...contents of file1.txt...", true, "text/plain"}});
  Outcome got = ReadBody(body, "AaB03x", Feed::kWhole, Read::kSkip);
  ASSERT_EQ(got.parts.size(), 2u);
  ASSERT_EQ(got.parts[0].head.headers.size(), 3u);
  EXPECT_EQ(got.parts[0].head.headers[2].first, "content-transfer-encoding") << "as sent";
  EXPECT_EQ(got.parts[0].head.headers[2].second, "quoted-printable");
}

// Captured from `curl -s -F title=x -F 'file=@somefile.bin;filename="na\"ïve.wav";type=audio/wav'`
// (curl 7.88.1) by a socket server that saved the raw request.
TEST(MultipartReader, CurlBody) {
  std::string body =
      "--------------------------de565cfc68c6b084\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n"
      "\r\n"
      "x\r\n"
      "--------------------------de565cfc68c6b084\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"na%22\xc3\xafve.wav\"\r\n"
      "Content-Type: audio/wav\r\n"
      "\r\n"
      "hello\r\n"
      "--\r\n"
      "world\n"
      "\x00\xff end\r\n"
      "--------------------------de565cfc68c6b084--\r\n"s;
  auto boundary =
      MultipartBoundary("multipart/form-data; boundary=------------------------de565cfc68c6b084");
  ASSERT_TRUE(boundary.ok()) << boundary.status().message();
  // curl (like browsers) writes a quote in a file name as %22; it stays as sent.
  ExpectParts(
      body, *boundary,
      {{"title", "", "x"},
       {"file", "na%22\xc3\xafve.wav", "hello\r\n--\r\nworld\n\x00\xff end"s, true, "audio/wav"}});
}

// Written by Go's mime/multipart (go1.19: Writer.SetBoundary, WriteField, CreateFormFile with
// the name `C:\rec "final".wav`, CreatePart with its own headers and no content).
TEST(MultipartReader, GoBody) {
  std::string body =
      "--f9a7c1e0b2d34c5e8a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n"
      "\r\n"
      "Weekly sync\r\n"
      "--f9a7c1e0b2d34c5e8a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\r\n"
      "Content-Disposition: form-data; name=\"speakers\"\r\n"
      "\r\n"
      "3\r\n"
      "--f9a7c1e0b2d34c5e8a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\rec \\\"final\\\".wav\"\r\n"
      "Content-Type: application/octet-stream\r\n"
      "\r\n"
      "RIFF\x00\x00\x00\x00WAVE\r\n"
      "--f9a7c1e0\r\n"
      "\r\n"
      "--\r\n"
      "--f9a7c1e0b2d34c5e8a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\r\n"
      "Content-Disposition: form-data; name=\"notes\"\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "X-Extra: 1\r\n"
      "\r\n"
      "\r\n"
      "--f9a7c1e0b2d34c5e8a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d--\r\n"s;
  const std::string boundary = "f9a7c1e0b2d34c5e8a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";
  ExpectParts(
      body, boundary,
      {{"title", "", "Weekly sync"},
       {"speakers", "", "3"},
       {"file", "C:\\rec \"final\".wav", "RIFF\x00\x00\x00\x00WAVE\r\n--f9a7c1e0\r\n\r\n--"s, true,
        "application/octet-stream"},
       {"notes", "", "", false, "text/plain; charset=utf-8"}});
  Outcome got = ReadBody(body, boundary, Feed::kWhole, Read::kSkip);
  ASSERT_EQ(got.parts.size(), 4u);
  EXPECT_EQ(got.parts[3].head.headers.size(), 3u);
}

TEST(MultipartReader, PreambleEpilogueAndTransportPadding) {
  std::string body =
      "This is the preamble.\r\n--not the boundary\r\n--b0\r\n"
      "--b \t \r\n"
      "Content-Disposition: form-data; name=a\r\n\r\n"
      "one\r\n"
      "--b\t\r\n"
      "Content-Disposition: form-data; name=b\r\n\r\n"
      "two\r\n"
      "--b-- trailing words\r\n"
      "This is the epilogue. --b\r\nContent-Disposition: form-data; name=c\r\n\r\nx\r\n--b--";
  ExpectParts(body, "b", {{"a", "", "one"}, {"b", "", "two"}});
}

TEST(MultipartReader, OpeningBoundaryAfterCrlfAndImmediateClose) {
  ExpectParts("\r\n--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--", "b",
              {{"a", "", "1"}});
  ExpectParts("--b--", "b", {});
  ExpectParts("--b--\r\n", "b", {});
}

TEST(MultipartReader, FoldedCaseInsensitiveAndQuotedHeaders) {
  std::string body =
      "--xyz\r\n"
      "CONTENT-DISPOSITION: Form-Data;\r\n"
      "\tNAME=\"a \\\"quoted\\\" \\\\ name\";\r\n"
      "   FileName=\"x;y=z.wav\"\r\n"
      "content-TYPE:   audio/ogg  \r\n"
      "\r\n"
      "data\r\n"
      "--xyz\r\n"
      "Content-Disposition: form-data; name=\"f\"; filename=\"fallback.txt\"; "
      "filename*=UTF-8''%E2%82%AC%20rates.txt\r\n"
      "\r\n"
      "\r\n"
      "--xyz\r\n"
      "Content-Disposition: form-data; name=\"g\"; filename*=iso-8859-1'en'caf%E9.txt\r\n"
      "\r\n"
      "--xyz-\r\n"
      "--xyz\r\n"
      "Content-Disposition: form-data; name=\"e\"; filename=\"\"\r\n"
      "\r\n"
      "\r\n"
      "--xyz--";
  ExpectParts(body, "xyz",
              {{"a \"quoted\" \\ name", "x;y=z.wav", "data", true, "audio/ogg"},
               {"f", "\xe2\x82\xac rates.txt", "", true},
               {"g", "caf\xc3\xa9.txt", "--xyz-", true},
               {"e", "", "", true}});
  Outcome got = ReadBody(body, "xyz", Feed::kWhole, Read::kSkip);
  ASSERT_EQ(got.parts.size(), 4u);
  ASSERT_EQ(got.parts[0].head.headers.size(), 2u);
  EXPECT_EQ(got.parts[0].head.headers[0].first, "CONTENT-DISPOSITION");
  EXPECT_EQ(got.parts[0].head.headers[0].second,
            "Form-Data; NAME=\"a \\\"quoted\\\" \\\\ name\"; FileName=\"x;y=z.wav\"")
      << "folded lines joined with one space";
}

// RFC 2046: body-part := MIME-part-headers [CRLF *OCTET], so a part may end right after its
// headers, the blank line's CRLF doubling as the delimiter's (Go's reader takes it too).
TEST(MultipartReader, PartEndingRightAfterItsHeaders) {
  ExpectParts(
      "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n--b\r\n"
      "Content-Disposition: form-data; name=c\r\n\r\n\r\n--b--",
      "b", {{"a", "", ""}, {"c", "", ""}});
  ExpectParts("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n--b--", "b", {{"a", "", ""}});
  ExpectParts("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n--bx\r\n--b--", "b",
              {{"a", "", "--bx"}});
  ExpectParts("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\r\n--b--", "b",
              {{"a", "", "\r"}});
}

TEST(MultipartReader, BareLfInPartHeaders) {
  ExpectParts(
      "--b\r\nContent-Disposition: form-data; name=a\nContent-Type: text/plain\n\nv\r\n--b--", "b",
      {{"a", "", "v", false, "text/plain"}});
}

TEST(MultipartReader, DelimiterLookalikesAreContent) {
  const std::string b = "boundary42";
  std::vector<std::string> contents = {
      "\r\n--boundary4",         // a prefix at the end of a part
      "\r\n--boundary42X tail",  // the boundary then something else
      "\r\n--boundary42-x",      // one dash only
      "a\n--boundary42\r\nb",    // bare LF before it
      "a--boundary42\r\n",       // not at the start of a line
      "\r\r\n--boundary42x\r\n\r\n--\r\n--b",
      "\r\n--boundary42\n",  // bare LF after it
      "\r\n--boundary42-",   // a single dash at the end of a part
      std::string(5000, '\r') + "\r\n-" + std::string(5000, '-'),
      "",
      "\r\n",
      "\r\n--",
  };
  ExpectParts(MakeBody(b, contents), b, Named(contents));
}

TEST(MultipartReader, EmptyParts) {
  std::vector<std::string> contents(50, "");
  contents[7] = "x";
  ExpectParts(MakeBody("e", contents), "e", Named(contents));
}

// Parts of about the buffer's size, so the delimiter straddles the end of the first buffer at
// every offset; the feed hands out whole requests, so buffer edges fall where sizes put them.
TEST(MultipartReader, DelimiterStraddlesTheBuffer) {
  const std::string b = "----straddle";
  const size_t k = MultipartReader::kBufferSize;
  std::string big = RandomBytes(k + 200, 11);
  for (size_t i = 0; i < big.size(); i += 97) big[i] = '\r';
  // The first read fills the buffer after the 2 bytes of CRLF the reader puts before the body;
  // part 0's delimiter starts after its `head` and content.
  const size_t head = MakeBody(b, {""}).find("\r\n--" + b + "--");
  const size_t delimiter = 2 + b.size() + 2;
  for (size_t size = k - 2 - head - delimiter - 4; size <= k - 2 - head + 4; ++size) {
    std::vector<std::string> contents = {big.substr(0, size), "tail"};
    std::string body = MakeBody(b, contents);
    for (Read mode : {Read::kBulk, Read::kSkip}) {
      Outcome got = ReadBody(body, b, Feed::kWhole, mode);
      ASSERT_TRUE(got.status.ok()) << size << ": " << got.status.message();
      ASSERT_EQ(got.parts.size(), 2u) << size;
      if (mode == Read::kBulk) {
        ASSERT_EQ(got.parts[0].content, contents[0]) << size;
        ASSERT_EQ(got.parts[1].content, "tail") << size;
      }
    }
  }
  for (size_t size : {k - 1, k, k + 1}) {
    std::vector<std::string> contents = {big.substr(0, size), big.substr(5, size), ""};
    ExpectParts(MakeBody(b, contents), b, Named(contents), {Feed::kWhole, Feed::kRandomSmall});
  }
}

TEST(MultipartReader, LargeBinaryPartInMiBReads) {
  std::vector<std::string> contents = {"field", RandomBytes(5 << 20, 3), "after"};
  std::string body = MakeBody("ABCDEFabcdef0123456789", contents);
  for (Feed feed : {Feed::kWhole, Feed::kRandomSmall}) {
    Outcome got = ReadBody(body, "ABCDEFabcdef0123456789", feed, Read::kBulk);
    ASSERT_TRUE(got.status.ok()) << got.status.message();
    ASSERT_EQ(got.parts.size(), 3u);
    EXPECT_TRUE(got.parts[1].content == contents[1]);
    EXPECT_EQ(got.parts[2].content, "after");
  }
}

// Random parts from an alphabet of CR, LF, dashes and the boundary's own characters, through
// random chunking: what comes out is what went in.
TEST(MultipartReader, RandomLookalikeContent) {
  const std::string b = "ab-c";
  const std::string alphabet = "\r\n-abc ";
  std::mt19937 rng(2024);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> contents(std::uniform_int_distribution<int>(1, 4)(rng));
    for (auto& c : contents) {
      size_t n = std::uniform_int_distribution<size_t>(0, 200)(rng);
      for (size_t i = 0; i < n; ++i)
        c += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
      // A delimiter may not appear (also at the start, after the headers' CRLF); near misses
      // may.
      std::string t = "\r\n" + c;
      for (size_t at; (at = t.find("\r\n--ab-c")) != std::string::npos;) t[at + 7] = 'x';
      c = t.substr(2);
    }
    std::string body = MakeBody(b, contents);
    Outcome got = ReadBody(body, b, Feed::kRandomSmall, Read::kRandomSmall, round);
    ASSERT_TRUE(got.status.ok()) << round << ": " << got.status.message();
    ASSERT_EQ(got.parts.size(), contents.size()) << round;
    for (size_t i = 0; i < contents.size(); ++i)
      ASSERT_EQ(got.parts[i].content, contents[i]) << round << " part " << i;
  }
}

// A body cut at any point is an error (from Next() or from content()), never a clean close
// or a part that ended early without one.
TEST(MultipartReader, TruncatedAtEveryOffset) {
  std::string full =
      "preamble\r\n--bnd\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
      "Standup\r\n"
      "--bnd  \r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
      "Content-Type: audio/wav\r\n\r\n"
      "RIFF\r\n--bn\r\n--bndx\r\n-\r\n"
      "--bnd\r\n"
      "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
      "\r\n--bnd--";
  const std::vector<std::string> contents = {"Standup", "RIFF\r\n--bn\r\n--bndx\r\n-", ""};
  for (size_t cut = 0; cut < full.size(); ++cut) {
    for (Feed feed : {Feed::kWhole, Feed::kOneByte}) {
      for (Read mode : {Read::kBulk, Read::kIterator, Read::kSkip}) {
        Outcome got = ReadBody(full.substr(0, cut), "bnd", feed, mode);
        ASSERT_FALSE(got.closed) << "cut at " << cut;
        ASSERT_FALSE(got.status.ok()) << "cut at " << cut;
        EXPECT_EQ(got.status.kind(), ErrorKind::kBadInput);
        if (cut > 15) {  // past the opening boundary
          EXPECT_EQ(got.status.message(),
                    "the body ended before the closing boundary: was the upload cut short?")
              << cut;
        }
        for (size_t i = 0; i < got.parts.size(); ++i) {
          if (got.parts[i].content_ok && mode != Read::kSkip) {
            ASSERT_EQ(got.parts[i].content, contents[i]) << "cut at " << cut << ", part " << i;
          }
        }
      }
    }
  }
  Outcome whole = ReadBody(full, "bnd", Feed::kOneByte, Read::kBulk);
  EXPECT_TRUE(whole.closed);
}

TEST(MultipartReader, CutInsideAPartFailsTheContentStream) {
  std::string body = MakeBody("q", {"0123456789"});
  std::string cut = body.substr(0, body.find("56789"));
  ChunkedBuf buf(cut, Chunker(Feed::kWhole, 1));
  std::istream in(&buf);
  MultipartReader reader(in, "q");
  MultipartPart part;
  ASSERT_TRUE(*reader.Next(&part));
  std::string content(std::istreambuf_iterator<char>(reader.content()), {});
  EXPECT_TRUE(reader.content().bad());
  EXPECT_EQ(reader.error().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(reader.error().message(),
            "the body ended before the closing boundary: was the upload cut short?");
  auto next = reader.Next(&part);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().message(), reader.error().message());
}

TEST(MultipartReader, MissingClosingBoundary) {
  for (std::string tail : {"", "\r\n", "\r\n--b", "\r\n--b-", "\r\n--b\r", "\r\n--b\r\n",
                           "\r\n--b\r\nContent-Disposition: form-data; name=y\r\n"}) {
    std::string body = "--b\r\nContent-Disposition: form-data; name=x\r\n\r\nvalue" + tail;
    for (Read mode : {Read::kBulk, Read::kSkip}) {
      Outcome got = ReadBody(body, "b", Feed::kWhole, mode);
      EXPECT_FALSE(got.closed) << tail;
      EXPECT_EQ(got.status.message(),
                "the body ended before the closing boundary: was the upload cut short?")
          << tail;
    }
  }
}

TEST(MultipartReader, NoOpeningBoundary) {
  for (std::string body : {"", "hello", "--c\r\n\r\n--c--", "--bx\r\n", "\n--b\r\n", "-b\r\n"}) {
    Outcome got = ReadBody(body, "b", Feed::kWhole, Read::kBulk);
    EXPECT_FALSE(got.closed);
    EXPECT_EQ(got.status.kind(), ErrorKind::kBadInput);
    EXPECT_NE(got.status.message().find("no opening boundary"), std::string::npos)
        << got.status.message();
  }
}

TEST(MultipartReader, BrokenStreamMidPart) {
  std::string body = MakeBody("brk", {"a", RandomBytes(300000, 5)});
  for (Read mode : {Read::kBulk, Read::kIterator, Read::kSkip}) {
    ChunkedBuf buf(body, Chunker(Feed::kRandomSmall, 3), 200000);
    std::istream in(&buf);
    Outcome got = ReadAll(in, "brk", mode);
    EXPECT_FALSE(got.closed);
    EXPECT_EQ(got.status.kind(), ErrorKind::kIo) << got.status.message();
    EXPECT_EQ(got.status.message(),
              "reading the body failed before the closing boundary (a broken connection or a "
              "timeout?)");
    if (mode != Read::kSkip) {
      ASSERT_EQ(got.parts.size(), 2u);
      EXPECT_TRUE(got.parts[0].content_ok);
      EXPECT_FALSE(got.parts[1].content_ok);
    }
  }
  // A stream already failed (badbit) before the reader starts.
  std::istringstream bad(body);
  bad.setstate(std::ios::badbit);
  Outcome got = ReadAll(bad, "brk", Read::kBulk);
  EXPECT_EQ(got.status.kind(), ErrorKind::kIo);
}

TEST(MultipartReader, ContentStreamWithExceptionsThrowsOnTruncation) {
  std::istringstream body("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nabc");
  MultipartReader reader(body, "b");
  MultipartPart part;
  ASSERT_TRUE(*reader.Next(&part));
  reader.content().exceptions(std::ios::badbit);
  char buf[16];
  EXPECT_THROW(reader.content().read(buf, sizeof buf), std::ios::failure);
  EXPECT_FALSE(reader.Next(&part).ok()) << "and Next() reports it as a value";
}

TEST(MultipartReader, HeaderLimit) {
  auto body_with_header_bytes = [](size_t total) {
    // "Content-Disposition: form-data; name=h\r\n" + "X: <pad>\r\n" + "\r\n" == total bytes
    std::string disposition = "Content-Disposition: form-data; name=h\r\n";
    std::string pad(total - disposition.size() - 2 - 5, 'v');
    return "--b\r\n" + disposition + "X: " + pad + "\r\n\r\nok\r\n--b--";
  };
  Outcome fits = ReadBody(body_with_header_bytes(16 * 1024), "b", Feed::kRandomSmall, Read::kBulk);
  ASSERT_TRUE(fits.status.ok()) << fits.status.message();
  ASSERT_EQ(fits.parts.size(), 1u);
  EXPECT_EQ(fits.parts[0].content, "ok");
  Outcome over =
      ReadBody(body_with_header_bytes(16 * 1024 + 1), "b", Feed::kRandomSmall, Read::kBulk);
  EXPECT_EQ(over.status.message(), "part 1: the part's headers are over 16 KiB");
  Outcome endless = ReadBody("--b\r\n" + std::string(1 << 20, 'h'), "b", Feed::kWhole, Read::kBulk);
  EXPECT_EQ(endless.status.message(), "part 1: the part's headers are over 16 KiB");
}

TEST(MultipartReader, PartLimit) {
  std::vector<std::string> contents(1000, "v");
  Outcome fits = ReadBody(MakeBody("b", contents), "b", Feed::kWhole, Read::kSkip);
  EXPECT_TRUE(fits.closed) << fits.status.message();
  EXPECT_EQ(fits.parts.size(), 1000u);
  contents.push_back("w");
  Outcome over = ReadBody(MakeBody("b", contents), "b", Feed::kWhole, Read::kSkip);
  EXPECT_EQ(over.status.message(), "more than 1000 parts");
  EXPECT_EQ(over.parts.size(), 1000u);
}

TEST(MultipartReader, MalformedParts) {
  auto error_of = [](const std::string& head) {
    Outcome got = ReadBody("--b\r\n" + head + "\r\n\r\nv\r\n--b--", "b", Feed::kWhole, Read::kBulk);
    EXPECT_FALSE(got.closed) << head;
    return got.status.message();
  };
  EXPECT_EQ(error_of("Content-Type: text/plain"),
            "part 1: no Content-Disposition header (RFC 7578 requires 'form-data; name=...')");
  EXPECT_EQ(error_of("Content-Disposition: attachment; name=x"),
            "part 1: Content-Disposition is 'attachment', not form-data");
  EXPECT_EQ(error_of("Content-Disposition: form-data; filename=x"),
            "part 1: Content-Disposition without a name");
  EXPECT_NE(error_of("Content-Disposition: form-data; name=\"x").find("unterminated"),
            std::string::npos);
  EXPECT_NE(error_of("Content-Disposition: form-data; name=x; name=y").find("twice"),
            std::string::npos);
  EXPECT_NE(error_of("Content-Disposition: form-data; name=x; filename*=UTF-8''%4").find("percent"),
            std::string::npos);
  EXPECT_NE(error_of("Content-Disposition: form-data; name=x; filename*=KOI8-R''x").find("KOI8-R"),
            std::string::npos);
  EXPECT_NE(error_of("Content-Disposition: form-data; name=x; filename*=x").find("charset'"),
            std::string::npos);
  EXPECT_NE(error_of("Content-Disposition : form-data; name=x").find("malformed header line"),
            std::string::npos);
  EXPECT_NE(error_of("no colon here").find("malformed header line"), std::string::npos);
  EXPECT_NE(error_of(" folded: first").find("folded header line before any header"),
            std::string::npos);
  EXPECT_NE(error_of("Content-Disposition: form-data; name=x\rX: smuggled").find("control"),
            std::string::npos);
  EXPECT_NE(error_of("Content-Disposition: form-data; name=x\r\nContent-Disposition: form-data; "
                     "name=y")
                .find("more than one Content-Disposition"),
            std::string::npos);
  EXPECT_EQ(error_of("Content-Disposition: form-data; name=x\r\nX:\x01"),
            "part 1: a header line has control characters");

  for (const std::string& line : std::vector<std::string>{
           "--b \r\n", "--b\rX", "--b \tx\r\n", "--b" + std::string(2000, ' ') + "\r\n"}) {
    Outcome got = ReadBody("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nv\r\n" + line +
                               "Content-Disposition: form-data; name=y\r\n\r\nw\r\n--b--",
                           "b", Feed::kWhole, Read::kBulk);
    if (line == "--b \r\n") {
      EXPECT_TRUE(got.closed) << got.status.message();
      continue;
    }
    EXPECT_NE(got.status.message().find("malformed boundary line after part 1"), std::string::npos)
        << got.status.message();
  }
}

TEST(MultipartReader, NextAfterCloseAndAfterError) {
  std::istringstream body(MakeBody("b", {"1"}));
  MultipartReader reader(body, "b");
  MultipartPart part;
  EXPECT_TRUE(*reader.Next(&part));
  EXPECT_FALSE(*reader.Next(&part));
  EXPECT_FALSE(*reader.Next(&part));
  EXPECT_EQ(reader.content().get(), EOF);

  std::istringstream other("garbage");
  MultipartReader bad(other, "b");
  auto first = bad.Next(&part);
  auto second = bad.Next(&part);
  ASSERT_FALSE(first.ok());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(first.status().message(), second.status().message());
  EXPECT_TRUE(bad.content().bad());
}

TEST(MultipartReader, InvalidBoundaryFailsNext) {
  std::istringstream body("--a\rb\r\n");
  MultipartReader reader(body, "a\rb");
  MultipartPart part;
  auto next = reader.Next(&part);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().message(),
            "the multipart boundary has characters RFC 2046 does not allow");
}

// Nothing is read after the closing boundary: the stream throws if asked for one more byte.
TEST(MultipartReader, StopsReadingAtTheClosingBoundary) {
  std::string body = MakeBody("b", {"1", "2"});
  for (Feed feed : {Feed::kOneByte, Feed::kRandomSmall}) {
    ChunkedBuf buf(body, Chunker(feed, 9), body.size());
    std::istream in(&buf);
    Outcome got = ReadAll(in, "b", Read::kBulk);
    EXPECT_TRUE(got.closed) << got.status.message();
    EXPECT_EQ(got.parts.size(), 2u);
  }
}

// The body is read the way a socket is: a Next() that has its part's headers returns without
// waiting for more bytes (here, a stream that would throw).
TEST(MultipartReader, DoesNotWaitForBytesItDoesNotNeed) {
  std::string head = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nab";
  ChunkedBuf buf(head, Chunker(Feed::kRandomSmall, 4), head.size());
  std::istream in(&buf);
  MultipartReader reader(in, "b");
  MultipartPart part;
  ASSERT_TRUE(*reader.Next(&part));
  EXPECT_EQ(part.name, "a");
  EXPECT_EQ(reader.content().get(), 'a');
}

TEST(MultipartBoundary, ParsesAndRefuses) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=AaB03x"), "AaB03x");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;BOUNDARY=\"a b:c?\""), "a b:c?");
  EXPECT_EQ(
      *MultipartBoundary("multipart/form-data; charset=utf-8; boundary=" + std::string(70, '-')),
      std::string(70, '-'));
  auto refuse = [](const std::string& type) {
    auto r = MultipartBoundary(type);
    EXPECT_FALSE(r.ok()) << type;
    EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
    return r.status().message();
  };
  EXPECT_EQ(refuse("multipart/form-data"), "multipart/form-data without a boundary parameter");
  EXPECT_EQ(refuse("multipart/form-data; boundary="), "the multipart boundary is empty");
  EXPECT_EQ(refuse("multipart/form-data; boundary=\"\""), "the multipart boundary is empty");
  EXPECT_EQ(refuse("multipart/form-data; boundary=" + std::string(71, 'a')),
            "the multipart boundary is longer than 70 characters");
  EXPECT_EQ(refuse("multipart/form-data; boundary=\"a\\\"b\""),
            "the multipart boundary has characters RFC 2046 does not allow");
  EXPECT_EQ(refuse("multipart/form-data; boundary=\"ab \""),
            "the multipart boundary ends with a space");
  EXPECT_EQ(refuse("multipart/mixed; boundary=x"),
            "Content-Type 'multipart/mixed' is not multipart/form-data");
  EXPECT_NE(refuse("multipart/form-data; boundary=\"x").find("malformed Content-Type"),
            std::string::npos);
}

}  // namespace
}  // namespace minutes
