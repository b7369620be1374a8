const firebaseConfig = {
  apiKey: "AIzas0vruIcEoNE2rVGJqH43jvMiecWCjCpz0RU",
  authDomain: "app-1.firebaseapp.com",
  projectId: "app-1",
};
