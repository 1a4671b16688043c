// Snapshots a Droplet, waits for the snapshot action, then lists the Droplet's snapshots.
// Usage: snapshot <droplet-id>
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/digitalocean/godo"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: snapshot <droplet-id>")
	}
	dropletID, err := strconv.Atoi(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	client := godo.NewFromToken(os.Getenv("DIGITALOCEAN_TOKEN"))
	if url := os.Getenv("DIGITALOCEAN_API_URL"); url != "" {
		if err := godo.SetBaseURL(url)(client); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()

	action, _, err := client.DropletActions.Snapshot(ctx, dropletID, "oxido-example-snapshot")
	if err != nil {
		log.Fatal(err)
	}
	if err := waitForAction(ctx, client, action.ID); err != nil {
		log.Fatal(err)
	}
	snapshots, _, err := client.Droplets.Snapshots(ctx, dropletID, &godo.ListOptions{PerPage: 200})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range snapshots {
		fmt.Printf("snapshot %d %s of droplet %d\n", s.ID, s.Name, dropletID)
	}
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
