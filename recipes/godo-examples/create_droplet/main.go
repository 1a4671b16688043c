// Creates an SSH key and a Droplet tagged oxido-example that uses it, then waits until it is active.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/digitalocean/godo"
)

const publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHlrQc/MdikN5ndDF4Z4BMnXJdzCj+gS+yGtKwe9Gq+A oxido-example"

func main() {
	client := godo.NewFromToken(os.Getenv("DIGITALOCEAN_TOKEN"))
	if url := os.Getenv("DIGITALOCEAN_API_URL"); url != "" {
		if err := godo.SetBaseURL(url)(client); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()

	key, _, err := client.Keys.Create(ctx, &godo.KeyCreateRequest{Name: "oxido-example", PublicKey: publicKey})
	if err != nil {
		log.Fatal(err)
	}
	droplet, resp, err := client.Droplets.Create(ctx, &godo.DropletCreateRequest{
		Name:    "oxido-example-1",
		Region:  "nyc3",
		Size:    "s-1vcpu-1gb",
		Image:   godo.DropletCreateImage{Slug: "ubuntu-24-04-x64"},
		SSHKeys: []godo.DropletCreateSSHKey{{ID: key.ID}},
		Tags:    []string{"oxido-example"},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := waitForAction(ctx, client, resp.Links.Actions[0].ID); err != nil {
		log.Fatal(err)
	}
	droplet, _, err = client.Droplets.Get(ctx, droplet.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("droplet %d %s is %s with key %d\n", droplet.ID, droplet.Name, droplet.Status, key.ID)
}

func waitForAction(ctx context.Context, client *godo.Client, id int) error {
	for {
		action, _, err := client.Actions.Get(ctx, id)
		if err != nil {
			return err
		}
		switch action.Status {
		case godo.ActionCompleted:
			return nil
		case godo.ActionInProgress:
			time.Sleep(time.Second)
		default:
			return fmt.Errorf("action %d is %s", id, action.Status)
		}
	}
}
