// Schemas of direct (resumable) uploads.
#include "api/schema_sets.hpp"
#include "api/schemas.hpp"

namespace minutes::schema::sets {

using nlohmann::json;

void AddUploads(json& c) {
  c["NewUpload"] = Obj(
      {{"filename", Str()}, {"size", Int("bytes")}, {"content_type", Str("audio/* or video/*")}});
  c["UploadPart"] = Obj({{"number", Int("from 1")},
                         {"size", Int("exactly this many bytes")},
                         {"method", Enum({"PUT"})},
                         {"url", Str("where to send it: presigned, or this API's with a token")}});
  c["ReceivedPart"] = Obj({{"number", Int()}, {"size", Int()}, {"etag", Str()}});
  c["StoredRecording"] =
      Obj({{"id", Str()}, {"size", Int()}, {"sha256", Str("hex")}, {"format", Str("as probed")}});
  c["Upload"] =
      Obj({{"id", Str()},
           {"state", Enum({"open", "completed", "aborted", "expired"})},
           {"filename", Str()},
           {"content_type", Str()},
           {"size", Int("bytes")},
           {"part_size", Int("bytes; the last part may be smaller")},
           {"parts_total", Int()},
           {"created_at", DateTime()},
           {"expires_at", DateTime("parts must be sent before")},
           {"complete_url", Str("POST here once every part is sent")},
           {"object_id", Str("completed: the recording"), false},
           {"task_id", Str("the task made of it"), false},
           {"parts", ArrayOf(Ref("UploadPart"), "new: every part; open: the missing ones"), false},
           {"parts_received",
            Nullable(ArrayOf(Ref("ReceivedPart"), "null: the store cannot list them")), false},
           {"parts_note", Str("why parts_received is null"), false},
           {"missing", ArrayOf(Int(), "part numbers not received yet"), false},
           {"object", Ref("StoredRecording"), false}},
          "A direct upload in parts, resumable until it expires");
  c["UploadList"] = ListOf(Ref("Upload"));
  c["UploadCompletion"] =
      Obj({{"parts", ArrayOf(Obj({{"number", Int()}, {"etag", Str()}})), false}},
          "The ETags of the parts' PUTs, for stores that cannot list parts");
  c["PartsMissing"] = Obj({{"error", Ref("ErrorDetail")},
                           {"missing", ArrayOf(Int(), "part numbers still to send"), false}});
}

}  // namespace minutes::schema::sets
