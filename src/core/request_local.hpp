#pragma once
// State that belongs to the request being served rather than to the thread serving it. On the
// HTTP edge a handler that calls RunBlocking is suspended and may continue on another thread,
// while its first thread serves other requests: a plain thread_local would then be lost, or
// worse, seen by another tenant's request. RunBlocking saves every RequestLocal, clears it on
// the thread it leaves, and restores it on the thread that continues the request.
namespace minutes {

namespace request_local_detail {
int NewSlot();  // aborts past a small fixed number of slots (they are few and static)
void* Get(int slot);
void Set(int slot, void* value);
}  // namespace request_local_detail

/// A pointer carried with the request (nullptr until set). Define instances once, statically.
template <class T>
class RequestLocal {
 public:
  RequestLocal() : slot_(request_local_detail::NewSlot()) {}
  T* get() const { return static_cast<T*>(request_local_detail::Get(slot_)); }
  void set(T* value) const { request_local_detail::Set(slot_, value); }

 private:
  int slot_;
};

}  // namespace minutes
