#include "api/task_events.hpp"

#include "api/task_store.hpp"

namespace minutes {
namespace {

constexpr size_t kBatch = 500;

std::string Frame(const std::string& event, const std::string& data) {
  return "event: " + event + "\ndata: " + data + "\n\n";
}

}  // namespace

TaskEventFeed::TaskEventFeed(Database& db, int max_streams_per_user)
    : db_(db), max_per_user_(max_streams_per_user) {}

bool TaskEventFeed::Finished(const std::string& state) {
  return state == "succeeded" || state == "failed" || state == "canceled";
}

nlohmann::json TaskEventFeed::EventOf(const TaskView& task) {
  nlohmann::json t = TaskJson(task);
  return {{"id", t["id"]},
          {"state", t["state"]},
          {"stage", t["stage"]},
          {"progress", t["progress"]},
          {"error", t["error"]}};
}

std::shared_ptr<void> TaskEventFeed::Reserve(const std::string& user_id) {
  std::lock_guard lock(mu_);
  int& n = per_user_[user_id];
  if (n >= max_per_user_) return nullptr;
  ++n;
  // Not a null pointer: callers test the slot for being there.
  return std::shared_ptr<void>(new char, [this, user_id](void* p) {
    delete static_cast<char*>(p);
    std::lock_guard lock(mu_);
    if (--per_user_[user_id] <= 0) per_user_.erase(user_id);
  });
}

int TaskEventFeed::subscribers() const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [id, w] : tasks_) n += static_cast<int>(w.subscribers.size());
  return n;
}

std::shared_ptr<void> TaskEventFeed::Subscribe(const std::string& task_id,
                                               const nlohmann::json& current,
                                               Response::EventEmit emit,
                                               std::shared_ptr<void> slot) {
  std::string data = current.dump();
  emit("retry: 2000\n\n" + Frame("progress", data), false);
  if (current.contains("state") && current["state"].is_string() &&
      Finished(current["state"].get<std::string>())) {
    emit(Frame("done", data), true);
    return slot;
  }
  uint64_t id;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    Watched& w = tasks_[task_id];
    if (w.subscribers.empty()) w.last = data;
    w.subscribers[id] = {id, std::move(emit)};
  }
  return std::shared_ptr<void>(nullptr,
                               [this, task_id, id, slot](void*) { Unsubscribe(task_id, id); });
}

void TaskEventFeed::Unsubscribe(const std::string& task_id, uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(task_id);
  if (it == tasks_.end()) return;
  it->second.subscribers.erase(id);
  if (it->second.subscribers.empty()) tasks_.erase(it);
}

void TaskEventFeed::Poll() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, w] : tasks_) ids.push_back(id);
  }
  for (size_t start = 0; start < ids.size(); start += kBatch) {
    size_t end = std::min(ids.size(), start + kBatch);
    auto rows =
        FindTaskViews(db_, std::vector<std::string>(ids.begin() + start, ids.begin() + end));
    if (!rows.ok()) return;  // the database is away: try again at the next tick
    std::map<std::string, nlohmann::json> found;
    for (const TaskView& task : *rows) {
      nlohmann::json ev = EventOf(task);
      std::string id = ev["id"].get<std::string>();  // before `ev` is moved from
      found[id] = std::move(ev);
    }
    std::lock_guard lock(mu_);
    for (size_t i = start; i < end; ++i) {
      auto w = tasks_.find(ids[i]);
      if (w == tasks_.end()) continue;
      auto f = found.find(ids[i]);
      if (f == found.end()) {  // deleted
        for (auto& [sid, s] : w->second.subscribers)
          s.emit(Frame("done", R"({"id":")" + ids[i] + R"(","state":"deleted"})"), true);
        tasks_.erase(w);
        continue;
      }
      std::string data = f->second.dump();
      bool finished = Finished(f->second["state"].get<std::string>());
      if (data != w->second.last)
        for (auto& [sid, s] : w->second.subscribers) s.emit(Frame("progress", data), false);
      w->second.last = data;
      if (finished) {
        for (auto& [sid, s] : w->second.subscribers) s.emit(Frame("done", data), true);
        tasks_.erase(w);
      }
    }
  }
}

}  // namespace minutes
