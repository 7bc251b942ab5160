// go-client is an independent HTTP/1.1 client for the edge tests of `minutes serve`
// (tests/e2e/http_edge_e2e_test.cpp builds and runs it): Go's net/http, standard library only.
//
// With one keep-alive http.Client it streams -n multipart uploads through an io.Pipe, so that
// net/http cannot know the length and sends Transfer-Encoding: chunked, and after each upload
// reads the new task and /health with the same client. Every response must have the expected
// status, a JSON body and an X-Request-ID header, and every request after the first must reuse
// the one connection (a server that closes a connection after a chunked body would otherwise be
// hidden by the client quietly dialling again). On any failure it prints what went wrong and
// exits 1; on success it prints a summary and exits 0.
//
//	go-client -url http://127.0.0.1:8000 -token TOKEN -file meeting.wav [-n 20]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptrace"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// oddSizes are the sizes of the writes into the pipe, so that chunk boundaries fall everywhere.
var oddSizes = []int{1, 7, 333, 4093, 65521, 3, 8191, 17}

type checker struct {
	client   *http.Client
	base     string
	token    string
	dials    int32 // connections the client had to open
	requests int
}

// do sends req with a trace that counts new connections, and returns the response, its whole
// body and whether the connection was a reused one.
func (c *checker) do(req *http.Request) (*http.Response, []byte, bool, error) {
	reused := false
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		reused = info.Reused
		if !info.Reused {
			atomic.AddInt32(&c.dials, 1)
		}
	}}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	c.requests++
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, nil, reused, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, reused, err
}

// expect checks the status, the JSON body and X-Request-ID of one exchange.
func expect(what string, resp *http.Response, body []byte, want int) (map[string]any, error) {
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s: status %d, want %d; body %q", what, resp.StatusCode, want, clip(body))
	}
	if resp.Header.Get("X-Request-ID") == "" {
		return nil, fmt.Errorf("%s: no X-Request-ID header (headers %v)", what, resp.Header)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, fmt.Errorf("%s: Content-Type %q, want application/json; body %q", what, ct, clip(body))
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("%s: body is not a JSON object (%v): %q", what, err, clip(body))
	}
	return out, nil
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// upload streams a multipart body (a title field and the file part) through an io.Pipe.
func (c *checker) upload(i int, audio []byte) (string, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			if err := mw.WriteField("title", fmt.Sprintf("go-client upload %d", i)); err != nil {
				return err
			}
			part, err := mw.CreateFormFile("file", "meeting.wav")
			if err != nil {
				return err
			}
			for off, k := 0, i; off < len(audio); k++ {
				n := oddSizes[k%len(oddSizes)]
				if off+n > len(audio) {
					n = len(audio) - off
				}
				if _, err := part.Write(audio[off : off+n]); err != nil {
					return err
				}
				off += n
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(context.Background(), "POST", c.base+"/api/v1/tasks", pr)
	if err != nil {
		return "", err
	}
	if req.ContentLength != 0 {
		return "", fmt.Errorf("upload %d: net/http knows the length (%d); it must stream chunked", i, req.ContentLength)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, body, reused, err := c.do(req)
	if err != nil {
		return "", fmt.Errorf("upload %d: %v", i, err)
	}
	if i > 0 && !reused {
		return "", fmt.Errorf("upload %d: the client had to open a new connection (the previous one was closed)", i)
	}
	j, err := expect(fmt.Sprintf("upload %d", i), resp, body, http.StatusCreated)
	if err != nil {
		return "", err
	}
	id, _ := j["id"].(string)
	if id == "" {
		return "", fmt.Errorf("upload %d: no id in %q", i, clip(body))
	}
	return id, nil
}

func (c *checker) get(what, path string, want int) (map[string]any, error) {
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, body, reused, err := c.do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	if !reused {
		return nil, fmt.Errorf("%s: the client had to open a new connection (the previous one was closed after the response)", what)
	}
	return expect(what, resp, body, want)
}

func main() {
	base := flag.String("url", "", "base URL of the server, e.g. http://127.0.0.1:8000")
	token := flag.String("token", "", "bearer token")
	file := flag.String("file", "", "recording to upload")
	n := flag.Int("n", 20, "number of uploads")
	flag.Parse()
	if *base == "" || *token == "" || *file == "" {
		fmt.Fprintln(os.Stderr, "usage: go-client -url URL -token TOKEN -file RECORDING [-n N]")
		os.Exit(2)
	}
	audio, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-client:", err)
		os.Exit(2)
	}
	// One client, one transport: keep-alive on, at most one idle connection to reuse.
	transport := &http.Transport{MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute}
	c := &checker{client: &http.Client{Transport: transport, Timeout: 60 * time.Second},
		base: strings.TrimRight(*base, "/"), token: *token}
	failed := func(err error) {
		fmt.Fprintf(os.Stderr, "go-client: FAILED after %d requests: %v\n", c.requests, err)
		os.Exit(1)
	}
	for i := 0; i < *n; i++ {
		id, err := c.upload(i, audio)
		if err != nil {
			failed(err)
		}
		task, err := c.get(fmt.Sprintf("GET task after upload %d", i), "/api/v1/tasks/"+id, http.StatusOK)
		if err != nil {
			failed(err)
		}
		if task["id"] != id {
			failed(fmt.Errorf("GET task after upload %d: id %v, want %s", i, task["id"], id))
		}
		health, err := c.get(fmt.Sprintf("GET /health after upload %d", i), "/health", http.StatusOK)
		if err != nil {
			failed(err)
		}
		if health["status"] != "ok" {
			failed(fmt.Errorf("GET /health after upload %d: %v", i, health))
		}
	}
	if d := atomic.LoadInt32(&c.dials); d != 1 {
		failed(fmt.Errorf("%d connections were opened, want 1 (keep-alive)", d))
	}
	fmt.Printf("go-client: %d uploads, %d requests, 1 connection: ok\n", *n, c.requests)
}
