package main

import "github.com/slack-go/slack"

func main() {
	api := slack.New("xoxb-764607399033-3455778509287-P03FFTeGPjyJ5xTT0qoc1Nrg")
	_ = api
}
