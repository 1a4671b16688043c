// The godo recipe: godo, unchanged, against `oxido-sim --tls`. godo.New takes any
// *http.Client, so the emulator's CA goes into that client's TLS roots and the token into
// an oauth2 transport; godo.SetBaseURL points it at the emulator.
//
// Without OXIDO_SIM_CA the client is built the way doctl builds its own (doit.go:
// oauth2.NewClient over the default transport, then godo.New with godo.SetBaseURL(--api-url)),
// so the CA must come from SSL_CERT_FILE, which Go reads on Linux: that checks the doctl
// recipe's wiring without doctl itself.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/digitalocean/godo"
	"golang.org/x/oauth2"
)

func main() {
	url, token, caPath := os.Getenv("OXIDO_SIM_URL"), os.Getenv("OXIDO_SIM_TOKEN"), os.Getenv("OXIDO_SIM_CA")
	if caPath == "" {
		tokens := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})
		client, err := godo.New(oauth2.NewClient(context.Background(), tokens), godo.SetBaseURL(url))
		check(err)
		run(client, "doctl-style client with SSL_CERT_FILE")
		return
	}
	pem, err := os.ReadFile(caPath)
	check(err)
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		check(fmt.Errorf("no certificate in %s", caPath))
	}
	httpClient := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &oauth2.Transport{
			Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}),
			// Proxy left nil: requests to the local emulator go direct.
			Base: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}},
		},
	}
	client, err := godo.New(httpClient, godo.SetBaseURL(url))
	check(err)
	run(client, "godo recipe")
}

// run creates a Droplet, waits for its create action and checks that it is active.
func run(client *godo.Client, who string) {
	ctx := context.Background()
	droplet, resp, err := client.Droplets.Create(ctx, &godo.DropletCreateRequest{
		Name:   "godo-recipe",
		Region: "nyc3",
		Size:   "s-1vcpu-1gb",
		Image:  godo.DropletCreateImage{Slug: "ubuntu-22-04-x64"},
	})
	check(err)
	if len(resp.Links.Actions) != 1 {
		check(fmt.Errorf("expected one create action, got %+v", resp.Links.Actions))
	}
	actionID := resp.Links.Actions[0].ID
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		action, _, err := client.Actions.Get(ctx, actionID)
		check(err)
		if action.Status == godo.ActionCompleted {
			break
		}
		if action.Status != godo.ActionInProgress || time.Now().After(deadline) {
			check(fmt.Errorf("action %d ended %q", actionID, action.Status))
		}
	}
	got, _, err := client.Droplets.Get(ctx, droplet.ID)
	check(err)
	if got.Status != "active" {
		check(fmt.Errorf("droplet %d is %q, not active", got.ID, got.Status))
	}
	fmt.Printf("%s: droplet %d is active after action %d\n", who, got.ID, actionID)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "godo recipe:", err)
		os.Exit(1)
	}
}
